from django.db import migrations


def seed(apps, schema_editor):
    """Every existing organisation gets the default badges (new ones get them on creation)."""
    from pacekeeper.recognition.defaults import DEFAULT_BADGES

    Organization = apps.get_model("tenancy", "Organization")
    Badge = apps.get_model("recognition", "Badge")
    for org in Organization.objects.all():
        have = set(Badge.objects.filter(org=org).values_list("code", flat=True))
        Badge.objects.bulk_create(
            [
                Badge(
                    org=org,
                    code=code,
                    rule=str(rule),
                    metric=metric,
                    name_zh=name_zh,
                    name_en=name_en,
                    description_zh=description_zh,
                    description_en=description_en,
                )
                for code, rule, metric, name_zh, name_en, description_zh, description_en in DEFAULT_BADGES
                if code not in have
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("recognition", "0001_recognition")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
