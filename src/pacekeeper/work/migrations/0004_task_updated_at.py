from django.db import migrations, models
from django.db.models import F

from pacekeeper.lib import same_org

# SQLite rebuilds work_task to add the column; its same-organisation guards, and those of other
# tables naming it, are set aside and put back (lib/same_org.rebuild_keeping_guards). These are
# the ones this migration knows of, restored once more for certain.
TASK_LINKS = [
    ("work_task", "goal_id", "goals_goal"),
    ("work_task", "customer_id", "crm_customer"),
    ("work_task", "owner_id", "tenancy_user"),
    ("work_task", "created_by_id", "tenancy_user"),
]


def _updated_at() -> models.DateTimeField:
    field = models.DateTimeField(auto_now=True, verbose_name="updated")
    field.set_attributes_from_name("updated_at")
    return field


def add_column(apps, schema_editor):
    schema_editor.add_field(apps.get_model("work", "Task"), _updated_at())


def drop_column(apps, schema_editor):
    schema_editor.remove_field(apps.get_model("work", "Task"), _updated_at())


def updated_when_created(apps, schema_editor):
    """Tasks saved before the column existed changed last no earlier than they were made: their
    creation is the honest "updated" (not the migration's own time)."""
    apps.get_model("work", "Task").objects.update(updated_at=F("created_at"))


class Migration(migrations.Migration):
    """The task list sorts by when a task last changed."""

    dependencies = [("work", "0003_task_required_skills")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name="task", name="updated_at", field=_updated_at())],
            # Guards on work_task, or naming it (checklist items): set aside while SQLite rebuilds it.
            database_operations=[
                migrations.RunPython(
                    same_org.rebuild_keeping_guards("work_task", add_column),
                    same_org.rebuild_keeping_guards("work_task", drop_column),
                )
            ],
        ),
        migrations.RunPython(updated_when_created, migrations.RunPython.noop),
        migrations.RunPython(same_org.restore_on_sqlite(TASK_LINKS), same_org.restore_on_sqlite(TASK_LINKS)),
    ]
