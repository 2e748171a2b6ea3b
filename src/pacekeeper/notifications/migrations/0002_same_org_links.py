from django.db import migrations

from pacekeeper.lib import same_org

LINKS = [
    ("notifications_notification", "recipient_id", "tenancy_user"),
    ("notifications_notification", "actor_id", "tenancy_user"),
]


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_notification"), ("tenancy", "0004_same_org_links")]

    operations = [migrations.RunPython(same_org.forward(LINKS), same_org.backward(LINKS))]
