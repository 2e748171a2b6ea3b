"""The board grouped by owner or by quadrant (?by=), besides the status columns: hand-made
tasks land in the columns worked out by hand, a bad grouping falls back to status, and a lead
sees only their own people's columns."""

import datetime as dt
import re

from pacekeeper.work import selectors
from pacekeeper.work.models import Task


def _task(owner, title, **extra):
    return Task.objects.create(org=owner.org, owner=owner, title=title, **extra)


def _columns(response) -> dict[str, tuple[int, list[str]]]:
    return {str(c["label"]): (c["count"], sorted(t.title for t in c["cards"])) for c in response.context["columns"]}


def test_owner_columns_hold_each_persons_open_tasks_by_name(world, client, monkeypatch):
    monkeypatch.setattr(selectors, "CARDS_PER_COLUMN", 2)
    one = world.one
    for n in range(3):
        _task(one.teammate, f"Teammate {n}")
    _task(one.manager, "Manager doing", status="doing")
    _task(one.manager, "Manager done", status="done")  # closed: not on the owner board
    _task(one.manager, "Manager cancelled", status="cancelled")
    client.force_login(one.lead)
    response = client.get("/tasks/board/", {"by": "owner"})
    assert response.status_code == 200
    # "one manager" sorts before "one teammate"; the teammate's three show two cards.
    assert [str(c["label"]) for c in response.context["columns"]] == ["one manager", "one teammate"]
    columns = _columns(response)
    assert columns["one manager"] == (1, ["Manager doing"])
    assert columns["one teammate"][0] == 3 and len(columns["one teammate"][1]) == 2
    html = response.content.decode()
    # "Show all" lists the same (open) statuses as the column.
    assert f'href="/tasks/list/?owner={one.teammate.pk}&amp;status=open"' in html and "Show all 3 in the list" in html
    # No dragging between people: no drop script, no drop addresses, the menus stay.
    assert "Sortable.min.js" not in html and "data-url=" not in html
    assert re.search(r'id="status-\d+"', html)


def test_quadrant_columns_follow_importance_and_the_due_date(world, client):
    one = world.one
    today = one.actor("lead").today()
    far = today + dt.timedelta(days=60)
    _task(one.manager, "Important due today", is_important=True, due_on=today)  # do now
    _task(one.manager, "Important marked urgent", is_important=True, urgency="urgent", due_on=far)  # do now
    _task(one.teammate, "Important later", is_important=True, due_on=far)  # schedule
    _task(one.teammate, "Plain due today", due_on=today)  # delegate
    _task(one.teammate, "Plain undated")  # drop
    _task(one.teammate, "Plain marked not urgent", urgency="not_urgent", due_on=today)  # drop
    _task(one.teammate, "Closed important", is_important=True, due_on=today, status="done")  # off
    client.force_login(one.lead)
    response = client.get("/tasks/board/", {"by": "quadrant"})
    assert _columns(response) == {
        "Do now": (2, ["Important due today", "Important marked urgent"]),
        "Schedule": (1, ["Important later"]),
        "Delegate": (1, ["Plain due today"]),
        "Drop": (2, ["Plain marked not urgent", "Plain undated"]),
    }
    assert "Sortable.min.js" not in response.content.decode()


def test_a_bad_grouping_answers_the_status_columns_and_keeps_the_other_filters(world, client):
    one = world.one
    _task(one.manager, "Report", status="doing")
    _task(one.manager, "Other")
    client.force_login(one.lead)
    for bad in ("people", "", "<script>", "owner'"):
        response = client.get("/tasks/board/", {"by": bad, "q": "Rep"})
        assert response.status_code == 200
        assert [c["status"] for c in response.context["columns"]] == ["todo", "doing", "blocked", "done"]
        assert _columns(response)["Doing"] == (1, ["Report"]) and _columns(response)["To do"] == (0, [])
    assert "Sortable.min.js" in response.content.decode()  # the status board still drags


def test_a_lead_sees_only_their_own_peoples_columns(world, client):
    one = world.one
    _task(one.manager, "Mine A")
    _task(one.sub_manager, "Sub team")
    _task(one.other_manager, "Team B")
    _task(world.two.manager, "Other org")
    client.force_login(one.lead)
    labels = [str(c["label"]) for c in client.get("/tasks/board/", {"by": "owner"}).context["columns"]]
    assert labels == ["one manager", "one sub_manager"]
    client.force_login(one.other_lead)
    labels = [str(c["label"]) for c in client.get("/tasks/board/", {"by": "owner"}).context["columns"]]
    assert labels == ["one other_manager"]
    client.force_login(one.lead)
    quadrants = client.get("/tasks/board/", {"by": "quadrant"}).context["columns"]
    assert sum(c["count"] for c in quadrants) == 2


def test_the_grouping_reads_in_chinese(world, client):
    one = world.one
    _task(one.manager, "Report", is_important=True)
    client.force_login(one.lead)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/tasks/board/", {"by": "quadrant"}).content.decode()
    assert "按象限分组" in html and "安排时间做" in html and "立即做" in html
