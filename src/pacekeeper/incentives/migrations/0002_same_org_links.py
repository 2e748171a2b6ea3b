from django.db import migrations

from pacekeeper.lib import same_org

LINKS = [
    ("incentives_plan", "created_by_id", "tenancy_user"),
    ("incentives_plantier", "plan_id", "incentives_plan"),
    ("incentives_payoutrun", "plan_id", "incentives_plan"),
    ("incentives_payoutrun", "created_by_id", "tenancy_user"),
    ("incentives_payoutrun", "approved_by_id", "tenancy_user"),
    ("incentives_payoutline", "run_id", "incentives_payoutrun"),
    ("incentives_payoutline", "person_id", "tenancy_user"),
]


class Migration(migrations.Migration):
    dependencies = [("incentives", "0001_initial"), ("tenancy", "0004_same_org_links")]

    operations = [migrations.RunPython(same_org.forward(LINKS), same_org.backward(LINKS))]
