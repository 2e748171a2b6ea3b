"""A brute-force reference for every metric, in plain Python over plain rows.

Written from the metric definitions in docs/kpis.md, independently of pacekeeper.kpis: no
queries, no shared helpers; every fact is visited for every subject.
"""

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field
from fractions import Fraction
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
OPEN = {"lead", "qualified", "proposal", "negotiation"}


@dataclass
class Facts:
    sales: list[dict] = field(default_factory=list)  # customer, manager, day, amount, margin, status, pk
    interactions: list[dict] = field(default_factory=list)  # customer, manager, at (aware), kind
    contracts: list[dict] = field(default_factory=list)  # manager, ends, renewal
    opportunities: list[dict] = field(default_factory=list)  # manager, expected, stage, amount, probability
    customers: list[dict] = field(default_factory=list)  # pk, owner, tier, created, status
    transfers: list[dict] = field(default_factory=list)  # customer, from_manager, at (aware)
    tasks: list[dict] = field(default_factory=list)  # owner, status, done_at (aware or None), due (or None)
    surveys: list[dict] = field(default_factory=list)  # manager, sent_at, answered_at (or None), csat, nps
    memberships: list[dict] = field(default_factory=list)  # user, team, start, end (or None)
    teams: dict[int, int | None] = field(default_factory=dict)  # team → parent
    intervals: dict[str, int] = field(default_factory=dict)


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    following = end + dt.timedelta(days=1)
    if start.day == 1 and following.day == 1:
        months = (following.year - start.year) * 12 + following.month - start.month
        month_index = start.year * 12 + start.month - 1 - months
        return dt.date(month_index // 12, month_index % 12 + 1, 1), start - dt.timedelta(days=1)
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


def year_earlier(day: dt.date) -> dt.date:
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return dt.date(day.year - 1, day.month, day.day)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZONE).date()


def credits(facts: Facts, start: dt.date, end: dt.date) -> list[tuple[int, dt.date, str, int]]:
    """Every (manager, credit day, component, amount) for the period."""
    out = []
    for sale in facts.sales:
        if sale["status"] == "confirmed" and start <= sale["day"] <= end:
            out += [
                (sale["manager"], sale["day"], "sales", sale["amount"]),
                (sale["manager"], sale["day"], "orders", 1),
                (sale["manager"], sale["day"], "margin", sale["margin"] or 0),
            ]
    for item in facts.interactions:
        day = local_day(item["at"])
        if start <= day <= end:
            out.append((item["manager"], day, "interactions", 1))
            if item["kind"] == "visit":
                out.append((item["manager"], day, "visits", 1))
    for contract in facts.contracts:
        if start <= contract["ends"] <= end and contract["renewal"] in ("renewed", "lost"):
            out.append((contract["manager"], contract["ends"], contract["renewal"], 1))
    for deal in facts.opportunities:
        if deal["stage"] in OPEN and start <= deal["expected"] <= end:
            out.append((deal["manager"], deal["expected"], "pipeline", deal["amount"]))
            out.append(
                (
                    deal["manager"],
                    deal["expected"],
                    "weighted",
                    math.floor(Fraction(deal["amount"] * deal["probability"], 100) + Fraction(1, 2)),
                )
            )
    confirmed = [s for s in facts.sales if s["status"] == "confirmed"]
    for customer in {s["customer"] for s in confirmed}:
        own = sorted((s for s in confirmed if s["customer"] == customer), key=lambda s: (s["day"], s["pk"]))
        first = own[0]
        if start <= first["day"] <= end:
            out.append((first["manager"], first["day"], "new", 1))
        prev_start, prev_end = previous_period(start, end)
        before = [s for s in own if prev_start <= s["day"] <= prev_end]
        if before:
            last = before[-1]
            out.append((last["manager"], last["day"], "buyers_prev", 1))
            if any(start <= s["day"] <= end for s in own):
                out.append((last["manager"], last["day"], "retained", 1))
    out += _compliance(facts, end)
    out += _tasks(facts, start, end)
    out += _surveys(facts, start, end)
    return out


def _surveys(facts: Facts, start: dt.date, end: dt.date) -> list:
    """docs/feedback.md, Survey metrics: an invitation on its local sending day (answered or
    not), an answer's scores on its local answering day, both to the manager on the invitation."""
    out = []
    for survey in facts.surveys:
        manager, sent_on = survey["manager"], local_day(survey["sent_at"])
        answered = survey["answered_at"] is not None
        if start <= sent_on <= end:
            out.append((manager, sent_on, "survey_invitations", 1))
            if answered:
                out.append((manager, sent_on, "survey_responses", 1))
        if not answered or not start <= local_day(survey["answered_at"]) <= end:
            continue
        day = local_day(survey["answered_at"])
        if survey["csat"] is not None:
            out += [(manager, day, "csat_answers", 1), (manager, day, "csat_sum", survey["csat"])]
            if survey["csat"] >= 4:
                out.append((manager, day, "csat_satisfied", 1))
        if survey["nps"] is not None:
            out.append((manager, day, "nps_answers", 1))
            if survey["nps"] >= 9:
                out.append((manager, day, "nps_promoters", 1))
            if survey["nps"] <= 6:
                out.append((manager, day, "nps_detractors", 1))
    return out


def _tasks(facts: Facts, start: dt.date, end: dt.date) -> list:
    """docs/work.md, Task metrics: a completion on its local day, a task left open on its due
    date, both to the task's owner; cancelled tasks nowhere."""
    out = []
    for task in facts.tasks:
        if task["status"] == "cancelled":
            continue
        done_on = local_day(task["done_at"]) if task["status"] == "done" else None
        if done_on is not None and start <= done_on <= end:
            out.append((task["owner"], done_on, "tasks_done", 1))
            if task["due"] is not None:
                out.append((task["owner"], done_on, "tasks_dated", 1))
                if done_on <= task["due"]:
                    out.append((task["owner"], done_on, "tasks_on_time", 1))
        if task["due"] is not None and start <= task["due"] <= end and (done_on is None or done_on > end):
            out.append((task["owner"], task["due"], "tasks_open", 1))
    return out


def _compliance(facts: Facts, end: dt.date) -> list:
    out = []
    for customer in facts.customers:
        if customer["created"] > end or customer["status"] == "lost":
            continue
        later = sorted(
            (t for t in facts.transfers if t["customer"] == customer["pk"] and local_day(t["at"]) > end),
            key=lambda t: t["at"],
        )
        owner = later[0]["from_manager"] if later else customer["owner"]
        contacts = [
            local_day(i["at"])
            for i in facts.interactions
            if i["customer"] == customer["pk"] and local_day(i["at"]) <= end
        ]
        limit = end - dt.timedelta(days=facts.intervals[customer["tier"]])
        on_time = max(contacts) >= limit if contacts else customer["created"] >= limit
        out.append((owner, end, "due", 1))
        if on_time:
            out.append((owner, end, "on_time", 1))
    return out


def _half_up(value: Fraction, places: int) -> str:
    scaled = abs(value) * 10**places
    rounded = math.floor(scaled + Fraction(1, 2))
    sign = "-" if value < 0 and rounded else ""
    whole, part = divmod(rounded, 10**places)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


def _percent(part: int, whole: int):
    return None if not whole else _half_up(Fraction(part * 100, whole), 2)


# The metrics this brute force computes. Ticket metrics are not here yet: they are checked
# against hand computations in tests/tickets (adding ticket facts to the property is open).
KNOWN_METRICS = (
    "sales_amount", "gross_margin", "sales_growth", "sales_growth_yoy", "new_customers", "customers_lost",
    "retention_rate", "renewal_rate", "interactions", "visits", "follow_up_compliance", "pipeline_value",
    "pipeline_weighted", "average_deal_size", "task_completion_rate", "on_time_completion_rate", "csat_average",
    "csat_satisfied", "nps", "survey_response_rate",
)  # fmt: skip


def metric_values(sums: dict, prev_sales: int, year_sales: int) -> dict:
    get = lambda key: sums.get(key, 0)  # noqa: E731
    return {
        "sales_amount": get("sales"),
        "gross_margin": get("margin"),
        "sales_growth": _percent(get("sales") - prev_sales, prev_sales),
        "sales_growth_yoy": _percent(get("sales") - year_sales, year_sales),
        "new_customers": get("new"),
        "customers_lost": get("buyers_prev") - get("retained"),
        "retention_rate": _percent(get("retained"), get("buyers_prev")),
        "renewal_rate": _percent(get("renewed"), get("renewed") + get("lost")),
        "interactions": get("interactions"),
        "visits": get("visits"),
        "follow_up_compliance": _percent(get("on_time"), get("due")),
        "pipeline_value": get("pipeline"),
        "pipeline_weighted": get("weighted"),
        "average_deal_size": None if not get("orders") else int(_half_up(Fraction(get("sales"), get("orders")), 0)),
        "task_completion_rate": _percent(get("tasks_done"), get("tasks_done") + get("tasks_open")),
        "on_time_completion_rate": _percent(get("tasks_on_time"), get("tasks_dated")),
        "csat_average": None
        if not get("csat_answers")
        else _half_up(Fraction(get("csat_sum"), get("csat_answers")), 2),
        "csat_satisfied": _percent(get("csat_satisfied"), get("csat_answers")),
        "nps": _percent(get("nps_promoters") - get("nps_detractors"), get("nps_answers")),
        "survey_response_rate": _percent(get("survey_responses"), get("survey_invitations")),
    }


def teams_of(facts: Facts, manager: int, day: dt.date) -> list[int]:
    return [
        m["team"]
        for m in facts.memberships
        if m["user"] == manager and m["start"] <= day and (m["end"] is None or day <= m["end"])
    ]


def ancestors(facts: Facts, team: int) -> list[int]:
    chain = []
    while team is not None:
        chain.append(team)
        team = facts.teams[team]
    return chain


def expected(facts: Facts, level: str, start: dt.date, end: dt.date, subjects: list[int]) -> dict:
    """{subject: {metric: value}} by brute force."""

    def sums_for(period_start, period_end):
        table = {subject: {} for subject in subjects}
        for manager, day, component, amount in credits(facts, period_start, period_end):
            if level == "manager":
                targets = [manager]
            elif level == "org":
                targets = [0]
            else:
                targets = {a for team in teams_of(facts, manager, day) for a in ancestors(facts, team)}
            for target in targets:
                if target in table:
                    table[target][component] = table[target].get(component, 0) + amount
        return table

    now = sums_for(start, end)
    previous = sums_for(*previous_period(start, end))
    last_year = sums_for(year_earlier(start), year_earlier(end))
    return {
        subject: metric_values(now[subject], previous[subject].get("sales", 0), last_year[subject].get("sales", 0))
        for subject in subjects
    }


__all__ = ["Facts", "KNOWN_METRICS", "expected", "calendar"]
