"""Every organisation that exists already gets the default skill catalogue (new ones get it when
they are created: skills/defaults.py), in its own language, with its sales' product lines."""

from django.db import migrations
from django.db.models import Count


def seed(apps, schema_editor):
    from pacekeeper.skills.defaults import PRODUCT_LINES_SEEDED, default_catalogue

    Organization = apps.get_model("tenancy", "Organization")
    Sale = apps.get_model("crm", "Sale")
    Skill = apps.get_model("skills", "Skill")
    for org in Organization.objects.all():
        lines = list(
            Sale.objects.filter(org_id=org.pk)
            .exclude(product_line="")
            .values("product_line")
            .annotate(sales=Count("pk"))
            .order_by("-sales", "product_line")
            .values_list("product_line", flat=True)[:PRODUCT_LINES_SEEDED]
        )
        existing = set(Skill.objects.filter(org_id=org.pk).values_list("name", flat=True))
        Skill.objects.bulk_create(
            [
                Skill(org_id=org.pk, name=name, description=text)
                for name, text in default_catalogue(org.language, lines)
                if name not in existing
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_skills"), ("crm", "0009_restore_import_job_guard")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
