"""Feedback listens to the CRM's interaction log: crm.services calls what is registered in
`crm.services.INTERACTION_LOGGED` after a new interaction commits (feedback depends on crm, never
the other way round). A survey that cannot be sent never undoes the interaction."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def _after_interaction(interaction) -> None:
    from .services import interaction_logged

    try:
        interaction_logged(interaction)
    except Exception:
        logger.exception("survey after interaction %s could not be sent", interaction.pk)


def connect() -> None:
    from pacekeeper.crm.services import INTERACTION_LOGGED

    if _after_interaction not in INTERACTION_LOGGED:
        INTERACTION_LOGGED.append(_after_interaction)
