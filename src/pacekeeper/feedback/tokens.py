"""Invitation links: unguessable, and not kept in the database.

Each invitation gets a random `nonce` (192 bits). Its token is an HMAC of the nonce under the
server's SECRET_KEY (256 bits, 43 URL-safe characters); the database keeps the nonce and the
SHA-256 of the token, by which a visit finds its row. The link can be written again (a reminder,
the QR code shown a second time) by whoever holds the key, but a copy of the database alone opens
no survey. Changing SECRET_KEY therefore ends every open link (docs/feedback.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.urls import reverse

NONCE_BYTES = 24
TOKEN_LENGTH = 43  # base64url of 32 bytes, without padding


def new_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


def token_for(nonce: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"survey:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in token)


def public_url(token: str) -> str:
    """The absolute link a contact opens (PACEKEEPER_PUBLIC_URL is the site's address)."""
    return settings.PUBLIC_URL.rstrip("/") + reverse("survey_public:answer", args=[token])
