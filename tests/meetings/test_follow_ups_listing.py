"""The agenda's overdue follow-ups name the first few customers and say how many more there are."""

from django.template.loader import render_to_string
from django.utils import translation


def _value(count: int, listed: int) -> dict:
    items = [
        {"customer_id": n, "name": f"Customer {n}", "due_on": "2026-11-20", "url": f"/c/{n}/"} for n in range(listed)
    ]
    return {"count": count, "items": items}


def test_it_says_how_many_more_customers_are_overdue_than_it_lists():
    with translation.override("en"):
        html = render_to_string("meetings/agenda/_follow_ups.html", {"value": _value(6, 5)})
    assert "6 customers' follow-ups are overdue" in html
    assert html.count("Customer ") == 5
    assert "and 1 more" in html


def test_it_says_nothing_more_when_it_lists_them_all():
    with translation.override("en"):
        html = render_to_string("meetings/agenda/_follow_ups.html", {"value": _value(2, 2)})
    assert "more" not in html
