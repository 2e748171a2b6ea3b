from django.db import migrations

from pacekeeper.lib import same_org

LINKS = [
    ("crm_customer", "owner_id", "tenancy_user"),
    ("crm_contact", "customer_id", "crm_customer"),
    ("crm_interaction", "customer_id", "crm_customer"),
    ("crm_interaction", "manager_id", "tenancy_user"),
    ("crm_sale", "customer_id", "crm_customer"),
    ("crm_sale", "manager_id", "tenancy_user"),
    ("crm_contract", "customer_id", "crm_customer"),
    ("crm_contract", "manager_id", "tenancy_user"),
    ("crm_opportunity", "customer_id", "crm_customer"),
    ("crm_opportunity", "manager_id", "tenancy_user"),
    ("crm_ownershiptransfer", "customer_id", "crm_customer"),
    ("crm_ownershiptransfer", "from_manager_id", "tenancy_user"),
    ("crm_ownershiptransfer", "to_manager_id", "tenancy_user"),
    ("crm_ownershiptransfer", "transferred_by_id", "tenancy_user"),
    ("crm_importjob", "created_by_id", "tenancy_user"),
]


class Migration(migrations.Migration):
    dependencies = [("crm", "0003_import_job_heartbeat"), ("tenancy", "0004_same_org_links")]

    operations = [migrations.RunPython(same_org.forward(LINKS), same_org.backward(LINKS))]
