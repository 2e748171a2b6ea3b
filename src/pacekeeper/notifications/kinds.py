"""The kinds of event a feature may announce, registered by the announcing app's `notices`
module at start-up (NotificationsConfig.ready).

A kind holds its message as a lazily translated template with {named} parameters. Only the
parameters are stored; the template is translated when the notification is shown, so a Chinese
reader and an English reader each read it in their own language, and a corrected translation
applies to old notifications too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from string import Formatter

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str
    # gettext_lazy("{person} asks to lower …"): translated at display time.
    message: Promise | str
    # The page the notification opens, from the announced subject (an object).
    link: Callable[[object], str]
    # Names of the channels that deliver it (channels.CHANNELS); the inbox first.
    channels: tuple[str, ...] = ("inbox",)
    # Optional: the stored parameters as shown in a language (amounts, dates, labels).
    shown: Callable[[dict, str], dict] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind. Registering the same name again replaces it (module reloads in tests)."""
    _check_placeholders(kind)
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"unknown notification kind {name!r}: register it in the app's notices.py") from None


def _check_placeholders(kind: Kind) -> None:
    """A template's fields are plain names: no attribute or index lookups from stored data."""
    for _literal, field, _spec, _conversion in Formatter().parse(str(kind.message)):
        if field is not None and not field.isidentifier():
            raise ValueError(f"{kind.name}: placeholder {{{field}}} must be a plain name")


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def render(notification) -> str:
    """The message of a stored notification in the active language. A kind no longer registered
    (an app removed) still shows something rather than breaking the inbox."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return _("A notification")
    params = dict(notification.params or {})
    if kind.shown is not None:
        params = kind.shown(params, get_language() or "zh-hans")
    try:
        return str(kind.message).format_map(_Missing(params))
    except (ValueError, TypeError):  # a translation with a broken template: say something true
        logger.exception("notification %s: message template did not render", notification.pk)
        return _("A notification")
