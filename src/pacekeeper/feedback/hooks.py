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


# Who listens to recorded answers: apps that act on a survey answer (tickets opens one for a low
# score) register a callable taking the Answer from their own `ready()`; feedback imports none of
# them. Called after the answer commits; a listener's failure never loses the answer.
ANSWER_RECORDED: list = []


def register_answer_recorded(listener) -> None:
    if listener not in ANSWER_RECORDED:
        ANSWER_RECORDED.append(listener)


def answer_recorded(answer) -> None:
    for listener in list(ANSWER_RECORDED):
        try:
            listener(answer)
        except Exception:
            logger.exception("listener of survey answer %s failed", answer.pk)
