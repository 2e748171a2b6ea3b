"""Plan templates: the shipped ones, written here from the field, and one shape for them and an
organisation's own (work.models.PlanTemplate), so that applying, listing and the API treat both
alike.

A template is a list of steps. Each step becomes a task that starts `offset_days` after the
plan's start and takes `duration_days` days, the first day included: a one-day step is due the
day it starts, a five-day step starting on a Monday is due on the Friday.

Shipped templates are keyed by a short name ("satisfaction"); an organisation's own by their id
written as text ("17"). Their texts are translated when shown (gettext_lazy), so a plan made
from one in Chinese gets Chinese task titles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    title: str
    description: str
    offset_days: int
    duration_days: int
    estimate_hours: Decimal
    is_important: bool

    def start_on(self, plan_start: dt.date) -> dt.date:
        return plan_start + dt.timedelta(days=self.offset_days)

    def due_on(self, plan_start: dt.date) -> dt.date:
        return self.start_on(plan_start) + dt.timedelta(days=self.duration_days - 1)


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    description: str
    steps: tuple[Step, ...]
    id: int | None = None  # an organisation's own template; None for a shipped one

    @property
    def is_shipped(self) -> bool:
        return self.id is None

    @property
    def total_hours(self) -> Decimal:
        return sum((step.estimate_hours for step in self.steps), Decimal(0))

    @property
    def span_days(self) -> int:
        """Days from the plan's start to the last step's due date, both included."""
        return max((step.offset_days + step.duration_days for step in self.steps), default=0)


def _step(title, description, offset: int, duration: int, hours: str, important: bool) -> Step:
    return Step(title, description, offset, duration, Decimal(hours), important)


SHIPPED: tuple[Template, ...] = (
    Template(
        key="satisfaction",
        title=_("Raise customer satisfaction"),
        description=_(
            "Find out where satisfaction stands, learn why from the customers' own words, fix the causes "
            "and tell the customers what changed."
        ),
        steps=(
            _step(
                _("Measure the current satisfaction"),
                _("Survey the customers of the portfolio (or read the latest survey) and note the score per segment."),
                0,
                5,
                "6",
                True,
            ),
            _step(
                _("Analyse the feedback"),
                _("Group complaints and comments by cause; list the three causes that cost the most points."),
                5,
                5,
                "8",
                True,
            ),
            _step(
                _("Plan the improvements"),
                _("For each main cause agree one change, its owner and how its effect will be measured."),
                10,
                3,
                "4",
                True,
            ),
            _step(
                _("Implement the improvements"),
                _("Carry out the agreed changes; note what was done for which customers."),
                13,
                20,
                "16",
                True,
            ),
            _step(
                _("Follow up and report back"),
                _("Call back the customers who complained, measure again and report the change to the team."),
                33,
                5,
                "4",
                False,
            ),
        ),
    ),
    Template(
        key="win_back",
        title=_("Win back dormant customers"),
        description=_("Find the customers who have gone quiet, learn why, and bring them back with a fitting offer."),
        steps=(
            _step(
                _("List the dormant customers"),
                _("Customers with no order and no visit in the last 90 days, with their past yearly value."),
                0,
                2,
                "3",
                True,
            ),
            _step(
                _("Find out why each went quiet"),
                _("Read their history and complaints; ask their contacts. Note the reason per customer."),
                2,
                7,
                "8",
                True,
            ),
            _step(
                _("Prepare a tailored offer"),
                _("Per reason, an offer or a fix: price, service level, a product that suits them better."),
                9,
                5,
                "6",
                True,
            ),
            _step(
                _("Call or visit each customer"),
                _("Present the offer; log every visit and call with its next step."),
                14,
                14,
                "16",
                True,
            ),
            _step(
                _("Record the outcomes and set follow-ups"),
                _("Who came back, who did not and why; set the next follow-up for each."),
                28,
                3,
                "2",
                False,
            ),
        ),
    ),
    Template(
        key="renewals",
        title=_("Prepare contract renewals"),
        description=_("Renew the contracts ending soon on time, with an offer built on how the customer uses them."),
        steps=(
            _step(
                _("List the contracts ending in the next 90 days"),
                _("With their value, their manager and the customer's satisfaction."),
                0,
                2,
                "2",
                True,
            ),
            _step(
                _("Review usage and satisfaction per account"),
                _("What the customer used, what they asked for, open complaints and risks of leaving."),
                2,
                7,
                "6",
                False,
            ),
            _step(
                _("Draft the renewal offers"),
                _("Terms, price and any upgrade; agree discounts with the lead before sending."),
                9,
                5,
                "6",
                True,
            ),
            _step(
                _("Hold the renewal meetings"),
                _("Meet each customer's decision maker; log the meeting and what was agreed."),
                14,
                14,
                "12",
                True,
            ),
            _step(
                _("Sign and record the renewals"),
                _("Signed contracts entered with their new dates; a refusal recorded with its reason."),
                28,
                7,
                "4",
                True,
            ),
        ),
    ),
    Template(
        key="key_account",
        title=_("Onboard a new key account"),
        description=_("The first month with a new key account: people, goals and a first review."),
        steps=(
            _step(
                _("Hold the kick-off meeting"),
                _("Introduce the team, agree how and how often you will meet."),
                0,
                2,
                "3",
                True,
            ),
            _step(
                _("Map the contacts and decision makers"),
                _("Who decides, who uses, who pays; enter them as contacts."),
                2,
                5,
                "4",
                False,
            ),
            _step(
                _("Agree the success measures"),
                _("Two or three measures the customer will judge you by, with their targets."),
                7,
                5,
                "3",
                True,
            ),
            _step(
                _("Hold the first business review"),
                _("Review the measures with the customer and agree the next quarter's plan."),
                30,
                3,
                "4",
                True,
            ),
        ),
    ),
)
SHIPPED_BY_KEY = {template.key: template for template in SHIPPED}


def from_model(template) -> Template:
    """An organisation's template (with its steps prefetched or not) in the one shape."""
    steps = tuple(
        Step(s.title, s.description, s.offset_days, s.duration_days, s.estimate_hours, s.is_important)
        for s in template.steps.all()
    )
    return Template(
        key=str(template.pk), title=template.title, description=template.description, steps=steps, id=template.pk
    )
