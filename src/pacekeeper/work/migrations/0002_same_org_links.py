from django.db import migrations

from pacekeeper.lib import same_org

LINKS = [
    ("work_task", "goal_id", "goals_goal"),
    ("work_task", "customer_id", "crm_customer"),
    ("work_task", "owner_id", "tenancy_user"),
    ("work_task", "created_by_id", "tenancy_user"),
    ("work_checklistitem", "task_id", "work_task"),
]


class Migration(migrations.Migration):
    dependencies = [("work", "0001_tasks"), ("goals", "0002_same_org_links"), ("crm", "0004_same_org_links")]

    operations = [migrations.RunPython(same_org.forward(LINKS), same_org.backward(LINKS))]
