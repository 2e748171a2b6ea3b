from django.db import migrations

from pacekeeper.lib import same_org

LINKS = [
    ("reviews_reviewcycle", "created_by_id", "tenancy_user"),
    ("reviews_criterion", "cycle_id", "reviews_reviewcycle"),
    ("reviews_evaluation", "cycle_id", "reviews_reviewcycle"),
    ("reviews_evaluation", "person_id", "tenancy_user"),
    ("reviews_evaluation", "reviewed_by_id", "tenancy_user"),
    ("reviews_evaluation", "calibrated_by_id", "tenancy_user"),
    ("reviews_criterionscore", "evaluation_id", "reviews_evaluation"),
    ("reviews_criterionscore", "criterion_id", "reviews_criterion"),
]


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("tenancy", "0004_same_org_links")]

    operations = [migrations.RunPython(same_org.forward(LINKS), same_org.backward(LINKS))]
