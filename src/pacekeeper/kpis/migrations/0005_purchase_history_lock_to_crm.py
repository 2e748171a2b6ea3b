from django.db import migrations


class Migration(migrations.Migration):
    """The purchase-history lock belongs to the CRM's sales writers: the model moves to crm
    (crm 0010 takes it over); its table stays as it is."""

    dependencies = [
        ("kpis", "0004_purchase_history_lock"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PurchaseHistoryLock")],
            database_operations=[],
        ),
    ]
