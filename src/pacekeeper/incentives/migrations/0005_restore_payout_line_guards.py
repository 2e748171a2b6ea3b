from django.db import migrations

from pacekeeper.lib import same_org

PAYOUT_LINE_LINKS = [
    ("incentives_payoutline", "run_id", "incentives_payoutrun"),
    ("incentives_payoutline", "person_id", "tenancy_user"),
]


class Migration(migrations.Migration):
    """SQLite rebuilt incentives_payoutline when its constraints changed (0003, 0004), dropping
    its same-organisation triggers; this puts them back (PostgreSQL kept them)."""

    dependencies = [("incentives", "0004_constraint_messages")]

    operations = [
        migrations.RunPython(
            same_org.restore_on_sqlite(PAYOUT_LINE_LINKS), same_org.restore_on_sqlite(PAYOUT_LINE_LINKS)
        ),
    ]
