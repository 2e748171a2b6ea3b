from django.db import migrations

from pacekeeper.lib import same_org

IMPORT_JOB_LINKS = [("crm_importjob", "created_by_id", "tenancy_user")]


class Migration(migrations.Migration):
    """SQLite rebuilt crm_importjob when it gained `attempts`, dropping its same-organisation
    trigger; this puts it back (PostgreSQL kept it)."""

    dependencies = [("crm", "0008_merge_20261203_1701")]

    operations = [
        migrations.RunPython(
            same_org.restore_on_sqlite(IMPORT_JOB_LINKS), same_org.restore_on_sqlite(IMPORT_JOB_LINKS)
        ),
    ]
