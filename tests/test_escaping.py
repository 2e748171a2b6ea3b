"""Stored text renders escaped everywhere: a script payload is planted in every free-text field
of every model, then every page (and its htmx partial) is opened by every kind of user."""

import re

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat

from pacekeeper.demo.seed import seed_organization
from pacekeeper.tenancy.models import AuditEntry, Role, User
from tests.routes import page_routes

PAYLOAD = "<script>x</script>"
ESCAPED = "&lt;script&gt;x&lt;/script&gt;"
OUR_APPS = ("tenancy", "crm", "goals", "kpis", "dashboards", "incentives", "reviews", "work", "notifications", "skills")
# Not free text: keys the code looks things up by, secrets, and the team tree's path.
NOT_FREE_TEXT = {
    "password", "path", "digest", "hint", "metric", "object_type", "object_id", "field", "unit",
    "currency", "time_zone", "language", "external_id", "employee_no", "failure", "filename", "token",
    "stored_as", "content_type",
}  # fmt: skip


def free_text_fields(model) -> list[str]:
    return [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.name not in NOT_FREE_TEXT
        and (field.max_length or 10_000) >= len(PAYLOAD) + 10
    ]


def _a_task_with_a_checklist(org) -> None:
    """The seed makes no tasks: one of a manager's, blocked (its reason is free text too)."""
    Task, ChecklistItem = apps.get_model("work", "Task"), apps.get_model("work", "ChecklistItem")
    owner = User.objects.filter(org=org, role=Role.MANAGER).order_by("pk").first()
    task = Task.objects.create(org=org, title="t", owner=owner, status="blocked", blocked_reason="r", labels="l")
    ChecklistItem.objects.create(org=org, task=task, text="c")
    # Its discussion: a comment and a file (the file's name is shown on the task page).
    apps.get_model("work", "Comment").objects.create(org=org, task=task, author=owner, body="b")
    apps.get_model("work", "Attachment").objects.create(
        org=org, task=task, uploaded_by=owner, name="n.pdf", stored_as="0" * 32, content_type="application/pdf", size=1
    )
    # A plan of some goal holding the task, and a template of the organisation with a step.
    goal = apps.get_model("goals", "Goal").objects.filter(org=org).order_by("pk").first()
    task.plan = apps.get_model("work", "WorkPlan").objects.create(org=org, goal=goal, title="p")
    task.save(update_fields=["plan"])
    template = apps.get_model("work", "PlanTemplate").objects.create(org=org, title="pt", description="d")
    apps.get_model("work", "PlanTemplateStep").objects.create(org=org, template=template, title="s", description="d")
    # A refused resource request on it: its description and refusal reason are free text too.
    ResourceRequest = apps.get_model("work", "ResourceRequest")
    ResourceRequest.objects.create(
        org=org, task=task, kind="budget", description="d", requested_by=owner, status="refused",
        decision="refused", refusal_reason="r",
    )  # fmt: skip


def plant_payloads(org) -> list[str]:
    _a_task_with_a_checklist(org)
    planted = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model is AuditEntry:
            continue
        fields = free_text_fields(model)
        if fields and any(f.name == "org" for f in model._meta.get_fields()):
            # The row's id after the payload keeps unique fields (usernames, team names) unique.
            planted_text = Concat(Value(PAYLOAD), Cast("pk", models.CharField()))
            model.objects.filter(org=org).update(**dict.fromkeys(fields, planted_text))
            planted += [f"{model._meta.label}.{name}" for name in fields]
    # Audit rows are append-only: plant a new one instead.
    some_goal = apps.get_model("goals", "Goal").objects.filter(org=org).first()
    AuditEntry.objects.create(
        org=org, object_type="goals.goal", object_id=str(some_goal.pk), field="title",
        before=PAYLOAD, after=PAYLOAD, reason=PAYLOAD,
    )  # fmt: skip
    return planted


def page_urls(org) -> list[str]:
    ids = {
        "customer_id": apps.get_model("crm", "Customer").objects.filter(org=org).order_by("pk").first().pk,
        "goal_id": apps.get_model("goals", "Goal").objects.filter(org=org).order_by("pk").first().pk,
        "user_id": User.objects.filter(org=org, role=Role.MANAGER).order_by("pk").first().pk,
        "interaction_id": apps.get_model("crm", "Interaction").objects.filter(org=org).order_by("pk").first().pk,
        "opportunity_id": apps.get_model("crm", "Opportunity").objects.filter(org=org).order_by("pk").first().pk,
        "plan_id": apps.get_model("incentives", "Plan").objects.filter(org=org).order_by("pk").first().pk,
        "run_id": apps.get_model("incentives", "PayoutRun").objects.filter(org=org).order_by("pk").first().pk,
        "line_id": apps.get_model("incentives", "PayoutLine").objects.filter(org=org).order_by("pk").first().pk,
        "cycle_id": apps.get_model("reviews", "ReviewCycle").objects.filter(org=org).order_by("pk").first().pk,
        "evaluation_id": apps.get_model("reviews", "Evaluation").objects.filter(org=org, step="done").first().pk,
        "task_id": apps.get_model("work", "Task").objects.filter(org=org).order_by("pk").first().pk,
        "work_plan_id": apps.get_model("work", "WorkPlan").objects.filter(org=org).order_by("pk").first().pk,
        "template_id": apps.get_model("work", "PlanTemplate").objects.filter(org=org).order_by("pk").first().pk,
        "skill_id": apps.get_model("skills", "Skill").objects.filter(org=org).order_by("pk").first().pk,
        "comment_id": apps.get_model("work", "Comment").objects.filter(org=org).order_by("pk").first().pk,
        "attachment_id": apps.get_model("work", "Attachment").objects.filter(org=org).order_by("pk").first().pk,
        "key": "satisfaction",
        "resource_request_id": apps.get_model("work", "ResourceRequest").objects.filter(org=org).first().pk,
    }
    urls = [
        "/" + re.sub(r"<\w+:(\w+)>", lambda match: str(ids[match.group(1)]), route)
        for route in page_routes()
        if set(re.findall(r"<\w+:(\w+)>", route)) <= set(ids)
    ]
    return sorted(set(urls)) + ["/admin/tenancy/user/", "/admin/crm/customer/", "/admin/tenancy/auditentry/"]


@pytest.mark.slow
@pytest.mark.django_db
def test_planted_scripts_render_escaped_on_every_page(client):
    result = seed_organization(managers=6, customers=24, months=2, seed=3, team_size=3)
    planted = plant_payloads(result.org)
    expected = {"crm.Customer.name", "crm.Interaction.summary", "goals.Goal.title", "tenancy.User.display_name"}
    expected |= {"incentives.Plan.name", "incentives.Plan.description", "incentives.PayoutLine.adjustment_reason"}
    expected |= {"reviews.ReviewCycle.name", "reviews.Criterion.name", "reviews.Evaluation.review_comment"}
    expected |= {"work.Task.title", "work.Task.description", "work.ChecklistItem.text"}
    expected |= {"work.WorkPlan.title", "work.PlanTemplate.title", "work.PlanTemplateStep.description"}
    expected |= {"skills.Skill.name", "skills.Skill.description", "skills.SkillLevelChange.note"}
    expected |= {"work.ResourceRequest.description", "work.ResourceRequest.refusal_reason"}
    expected |= {"work.Comment.body", "work.Attachment.name"}
    assert expected <= set(planted)
    urls = page_urls(result.org)
    escaped_somewhere = 0
    for role in (Role.ADMIN, Role.DIRECTOR, Role.LEAD, Role.MANAGER, Role.ANALYST):
        client.force_login(User.objects.filter(org=result.org, role=role).order_by("pk").first())
        for url in urls:
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = client.get(url, **headers)
                if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                    continue
                body = response.content.decode()
                assert PAYLOAD not in body, (role, url, headers)
                escaped_somewhere += ESCAPED in body
    assert escaped_somewhere > 20  # the payloads were really shown, escaped, on many pages


def test_chart_tooltips_that_build_html_escape_what_people_typed():
    """ECharts inserts a tooltip formatter's result as HTML: a person's display name or a goal's
    title in a chart ran as script in a director's browser (progress reports). Every script of
    ours with a function formatter escapes with echarts.format.encodeHTML."""
    from pathlib import Path

    import pacekeeper

    root = Path(pacekeeper.__file__).parent
    scripts = [p for p in root.rglob("*.js") if "vendor" not in p.parts]
    offenders = [
        str(p.relative_to(root))
        for p in scripts
        if "formatter: function" in p.read_text(encoding="utf-8") and "encodeHTML" not in p.read_text(encoding="utf-8")
    ]
    assert scripts and offenders == []
