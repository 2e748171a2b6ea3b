"""Needs and preferences have one source: the crm customer's "needs" field. Copy what was typed
on the relationships page into it (appended when the crm field already says something else);
the old profile columns stay, unread, until a later cleanup."""

from django.db import migrations


def copy_to_crm(apps, schema_editor):
    Profile = apps.get_model("relationships", "CustomerProfile")
    Customer = apps.get_model("crm", "Customer")
    for profile in Profile.objects.exclude(needs="", preferences="").iterator():
        customer = Customer.objects.get(pk=profile.customer_id)
        parts = [customer.needs.strip()] if customer.needs.strip() else []
        parts += [text.strip() for text in (profile.needs, profile.preferences) if text.strip() and text.strip() not in customer.needs]
        text = "\n".join(parts)
        if text != customer.needs:
            Customer.objects.filter(pk=customer.pk).update(needs=text)


class Migration(migrations.Migration):
    dependencies = [("relationships", "0001_relationships")]
    operations = [migrations.RunPython(copy_to_crm, migrations.RunPython.noop)]
