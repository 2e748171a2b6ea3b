import django.core.validators
from django.db import migrations, models

from pacekeeper.lib import same_org

# SQLite adds this column by rebuilding tenancy_user, which the same-organisation guards of the
# tables linking to a person read: they are set aside around the rebuild (tenancy_user has no
# guards of its own). PostgreSQL alters the table in place.
BEFORE, AFTER = same_org.around_sqlite_rebuild("tenancy_user")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("tenancy", "0007_constraint_messages"),
    ]

    operations = [
        BEFORE,
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
        AFTER,
    ]
