from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

from pacekeeper.lib import same_org

# SQLite rebuilds work_task to add a column that is not null: the guards on work_task and those
# reading it are set aside meanwhile (lib/same_org.around_sqlite_rebuild).
BEFORE_TASK_REBUILD, AFTER_TASK_REBUILD = same_org.around_sqlite_rebuild("work_task")


def updated_when_created(apps, schema_editor):
    """Tasks saved before the column existed changed last no earlier than they were made: their
    creation is the honest "updated" (not the migration's own time)."""
    apps.get_model("work", "Task").objects.update(updated_at=F("created_at"))


class Migration(migrations.Migration):
    """The task list sorts by when a task last changed."""

    dependencies = [("work", "0004_plans")]

    operations = [
        BEFORE_TASK_REBUILD,
        migrations.AddField(
            model_name="task",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=timezone.now, verbose_name="updated"),
            preserve_default=False,
        ),
        migrations.RunPython(updated_when_created, migrations.RunPython.noop),
        AFTER_TASK_REBUILD,
    ]
