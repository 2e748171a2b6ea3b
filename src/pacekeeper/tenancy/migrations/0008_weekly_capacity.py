import django.core.validators
from django.db import migrations, models

# SQLite adds this column by rebuilding tenancy_user (create a copy, drop, rename). The rename
# re-reads every trigger that names tenancy_user — the same-organisation guards of the tables
# linking to a person — and fails while the old table is gone. So, on SQLite only, those
# triggers are set aside (their exact SQL kept) before the rebuild and created again after it.
# PostgreSQL alters the table in place and keeps them.
_SET_ASIDE: dict[str, list[str]] = {}


def set_aside_person_guards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%tenancy_user%'")
        rows = cursor.fetchall()
        _SET_ASIDE[connection.alias] = [sql for _name, sql in rows]
        for name, _sql in rows:
            cursor.execute(f'DROP TRIGGER "{name}"')


def restore_person_guards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for sql in _SET_ASIDE.pop(connection.alias, []):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("tenancy", "0007_constraint_messages"),
    ]

    operations = [
        migrations.RunPython(set_aside_person_guards, restore_person_guards),
        migrations.AddField(
            model_name="user",
            name="weekly_capacity_hours",
            field=models.PositiveSmallIntegerField(
                default=40,
                help_text="Hours a week this person can give to tasks: 0 to 168.",
                validators=[django.core.validators.MaxValueValidator(168)],
                verbose_name="weekly capacity (hours)",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("weekly_capacity_hours__lte", 168)),
                name="user_weekly_capacity_at_most_168",
                violation_error_code="capacity_too_high",
                violation_error_message="A week has 168 hours: enter 0 to 168.",
            ),
        ),
        migrations.RunPython(restore_person_guards, set_aside_person_guards),
    ]
