import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over the purchase-history lock from kpis (its 0005): the model only, over the
    table kpis created."""

    dependencies = [
        ("crm", "0009_restore_import_job_guard"),
        ("kpis", "0005_purchase_history_lock_to_crm"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PurchaseHistoryLock",
                    fields=[
                        (
                            "customer",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="crm.customer",
                            ),
                        ),
                    ],
                    options={"db_table": "kpis_purchasehistorylock"},
                ),
            ],
            database_operations=[],
        ),
    ]
