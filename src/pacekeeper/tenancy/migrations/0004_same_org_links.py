from django.db import migrations

from pacekeeper.lib import same_org

LINKS = [
    ("tenancy_team", "parent_id", "tenancy_team"),
    ("tenancy_teammembership", "team_id", "tenancy_team"),
    ("tenancy_teammembership", "user_id", "tenancy_user"),
    ("tenancy_accountmanagerprofile", "user_id", "tenancy_user"),
    ("tenancy_apitoken", "user_id", "tenancy_user"),
    ("tenancy_auditentry", "actor_id", "tenancy_user"),
]


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0003_audit_rows_append_only")]

    operations = [migrations.RunPython(same_org.forward(LINKS), same_org.backward(LINKS))]
