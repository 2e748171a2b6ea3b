"""Which pulse groups may show figures: the anonymity rule (docs/teamhealth.md, "Who sees what").

A group is the organisation or one whole team with its sub-teams, in one closed period. Figures
are sums of answers, so anyone who sees two groups, one inside the other, also learns the sum of
the answers in their difference; with several nested groups, of any union of the "remainders"
(a shown group minus the shown groups right below it). So the rule is about remainders:

1. a group is shown only with at least `min_group` answers;
2. every shown group's remainder holds no answer or at least `min_group` answers.

Then every difference of shown groups is a union of remainders, each empty or of `min_group` or
more answers: nobody's answer, nor that of a group smaller than the minimum, can be worked out.
The groups shown are decided once per period for the whole organisation, from the answers alone,
the same whoever asks and through whichever route (page, API, export, alert); a person's scope
only picks which of them they may see, so putting two people's views side by side reveals no
more than the rule allows. Where rule 2 fails, the smallest shown group below is hidden with
everything under it (hiding it adds at least `min_group` answers to the remainder) — or, for a
group with nothing shown above it (the organisation), that group alone when that loses less. Groups are
built from the team paths stored on the answers, so the tree as it is today changes nothing.
Only closed periods are shown: while a period is open, a figure changing after one person
answers or edits would show that person's answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from .models import QUESTIONS, PulseAnswer

ORG = 0  # the organisation as a group (team ids start at 1)
TWO_PLACES = Decimal("0.01")


class Hidden:
    TOO_FEW = "too_few"  # fewer answers than the minimum
    DIFFERENCE = "difference"  # shown, it would let someone subtract a group below the minimum


@dataclass
class Group:
    key: int  # a team id, or ORG
    parent: int | None
    count: int = 0
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUESTIONS, 0))
    shown: bool = False
    hidden_because: str = Hidden.TOO_FEW
    children: list[int] = field(default_factory=list)

    def means(self) -> dict[str, Decimal]:
        """Each question's mean, 2 places, ROUND_HALF_UP; the score is the mean of the four means."""
        means = {q: (Decimal(self.sums[q]) / self.count).quantize(TWO_PLACES, ROUND_HALF_UP) for q in QUESTIONS}
        means["score"] = (sum(Decimal(self.sums[q]) for q in QUESTIONS) / (4 * self.count)).quantize(
            TWO_PLACES, ROUND_HALF_UP
        )
        return means


def _team_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part.isdigit()]


def period_groups(*, org_id: int, period_start: dt.date, min_group: int) -> dict[int, Group]:
    """Every group of the period, each marked shown or hidden (with why). Two queries' worth."""
    direct = (
        PulseAnswer.objects.filter(org_id=org_id, period_start=period_start)
        .values("team_id", "team_path")
        .annotate(n=Count("pk"), **{q: Sum(q) for q in QUESTIONS})
        .order_by("team_path", "team_id")
    )
    groups: dict[int, Group] = {ORG: Group(key=ORG, parent=None)}
    tallies: list[tuple[int, dict]] = []
    for row in direct:
        chain = _team_ids(row["team_path"]) or ([row["team_id"]] if row["team_id"] else [])
        parent = ORG
        for team_id in chain:  # the first path seen places a team; a team is never its own ancestor
            if team_id not in groups:
                groups[team_id] = Group(key=team_id, parent=parent)
            parent = team_id
        tallies.append((chain[-1] if chain else ORG, row))
    for key, group in groups.items():
        if key != ORG and group.parent in groups:
            groups[group.parent].children.append(key)
    for key, row in tallies:
        seen: set[int] = set()
        while key is not None and key not in seen:  # up the tree: the answer counts in every group above
            seen.add(key)
            group = groups[key]
            group.count += row["n"]
            for q in QUESTIONS:
                group.sums[q] += row[q] or 0
            key = group.parent
    _decide(groups, min_group)
    return groups


def _decide(groups: dict[int, Group], min_group: int) -> None:
    for group in groups.values():
        group.shown = group.count >= min_group
    order, queue = [], [ORG]
    while queue:  # top down
        key = queue.pop(0)
        order.append(key)
        queue.extend(sorted(groups[key].children))
    for key in order:
        group = groups[key]
        if not group.shown:
            continue
        below = _shown_below(groups, key)
        remainder = group.count - sum(groups[k].count for k in below)
        if 0 < remainder < min_group:
            smallest = min(below, key=lambda k: (groups[k].count, k))
            if not _has_shown_ancestor(groups, key) and _shown_in(groups, smallest) > 1:
                # Nothing shown above: hiding this group alone is safe and loses one figure
                # (the organisation's, with a few answers from people in no team) instead of
                # a whole subtree of teams.
                group.shown, group.hidden_because = False, Hidden.DIFFERENCE
            else:
                _hide_subtree(groups, smallest)


def _shown_below(groups: dict[int, Group], key: int) -> list[int]:
    """The shown groups right below `key`: its shown children, and below hidden children theirs."""
    found = []
    for child in groups[key].children:
        if groups[child].shown:
            found.append(child)
        else:
            found.extend(_shown_below(groups, child))
    return found


def _has_shown_ancestor(groups: dict[int, Group], key: int) -> bool:
    parent, seen = groups[key].parent, set()
    while parent is not None and parent not in seen:
        if groups[parent].shown:
            return True
        seen.add(parent)
        parent = groups[parent].parent
    return False


def _shown_in(groups: dict[int, Group], key: int) -> int:
    stack, count = [key], 0
    while stack:
        group = groups[stack.pop()]
        count += group.shown
        stack.extend(group.children)
    return count


def _hide_subtree(groups: dict[int, Group], key: int) -> None:
    stack = [key]
    while stack:
        group = groups[stack.pop()]
        if group.shown:
            group.shown = False
            group.hidden_because = Hidden.DIFFERENCE
        stack.extend(group.children)
