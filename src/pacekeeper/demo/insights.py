"""Demo customer voice: the text analysis run once over the texts the demo already holds
(survey answers, interaction notes, tickets — whatever sources are registered), so the
Customer voice pages show topics and sentiment without waiting for the nightly chore."""

from __future__ import annotations

from pacekeeper.insights import services
from pacekeeper.tenancy.models import Organization


def make_insights(org: Organization) -> int:
    return services.analyse_org(org)["analysed"]
