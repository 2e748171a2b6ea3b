from django.db import migrations

from pacekeeper.lib import same_org

LINKS = [
    ("goals_goal", "parent_id", "goals_goal"),
    ("goals_goal", "team_id", "tenancy_team"),
    ("goals_goal", "person_id", "tenancy_user"),
    ("goals_goal", "created_by_id", "tenancy_user"),
]


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial"), ("tenancy", "0004_same_org_links")]

    operations = [migrations.RunPython(same_org.forward(LINKS), same_org.backward(LINKS))]
