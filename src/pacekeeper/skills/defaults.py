"""The catalogue every organisation starts with (docs/skills.md).

Names are stored in the organisation's language (the language an org admin chose for it): a
catalogue is the organisation's own list, renamed and extended by its admin, not a translated
label. The names below are msgids; seeding writes them out in that language once.

Product knowledge comes per product line: the lines the organisation's sales name (the most sold
first), or three general lines for an organisation without sales yet, which its admin renames.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacekeeper.tenancy.models import Organization

from .models import Skill

DEFAULT_SKILLS = [
    (
        gettext_lazy("Data analysis"),
        gettext_lazy("Reads the figures of a portfolio: trends, shares, what changed and why."),
    ),
    (
        gettext_lazy("Needs analysis"),
        gettext_lazy("Finds out what a customer needs before proposing anything."),
    ),
    (
        gettext_lazy("Negotiation"),
        gettext_lazy("Reaches terms that hold for the customer and for us: prices, conditions, renewals."),
    ),
    (
        gettext_lazy("Key-account management"),
        gettext_lazy("Plans and runs the relationship with the largest customers, across their departments."),
    ),
    (
        gettext_lazy("Relationship building"),
        gettext_lazy("Opens doors and keeps contacts warm with regular, useful follow-ups."),
    ),
    (
        gettext_lazy("Presentation"),
        gettext_lazy("Presents a proposal clearly to a customer's decision makers."),
    ),
    (
        gettext_lazy("Compliance and risk awareness"),
        gettext_lazy("Knows the rules a sale must follow and spots a risk early."),
    ),
    (
        gettext_lazy("Customer service"),
        gettext_lazy("Handles requests and complaints promptly and follows them through."),
    ),
]
# Three general lines for an organisation that has no sales yet; its admin renames them.
GENERAL_LINES = [
    gettext_lazy("deposits and payments"),
    gettext_lazy("loans and financing"),
    gettext_lazy("wealth and investment"),
]
PRODUCT_LINES_SEEDED = 8


def default_catalogue(language: str, product_lines: list[str]) -> list[tuple[str, str]]:
    """(name, description) of the default skills written out in `language`."""
    with translation.override(language):
        rows = [(str(name), str(description)) for name, description in DEFAULT_SKILLS]
        lines = product_lines or [str(line) for line in GENERAL_LINES]
        for line in lines[:PRODUCT_LINES_SEEDED]:
            name = _("Product knowledge: %(line)s") % {"line": line}
            description = _("Knows the %(line)s products: what they do, their prices and whom they fit.") % {
                "line": line
            }
            rows.append((name[: Skill._meta.get_field("name").max_length], description[:500]))
    return rows


def catalogue_seed(org: Organization) -> int:
    """Add the default skills the organisation lacks (by name); returns how many were added.
    Running it again adds nothing: an admin's renamed or deactivated skills stay as they are."""
    from pacekeeper.crm.selectors import product_lines

    rows = default_catalogue(org.language, product_lines(org_id=org.pk, limit=PRODUCT_LINES_SEEDED))
    existing = set(Skill.objects.filter(org_id=org.pk).values_list("name", flat=True))
    new = [Skill(org_id=org.pk, name=name, description=text) for name, text in rows if name not in existing]
    Skill.objects.bulk_create(new)
    return len(new)


def _seed_new_organisation(sender, instance: Organization, created: bool, raw: bool = False, **kwargs) -> None:
    """No service creates organisations (the admin site, the demo and the seed command do), so
    the catalogue follows the row itself. After commit: the demo creates an organisation and its
    sales in one transaction, and its product lines are then known."""
    if created and not raw:
        org_id = instance.pk
        transaction.on_commit(lambda: _seed_if_present(org_id))


def _seed_if_present(org_id: int) -> None:
    org = Organization.objects.filter(pk=org_id).first()
    if org is not None:
        catalogue_seed(org)


def connect() -> None:
    post_save.connect(_seed_new_organisation, sender=Organization, dispatch_uid="skills.catalogue_seed")
