"""Every answer the application makes carries the Content-Security-Policy and is not stored by
browsers or proxies; the templates hold no inline script the policy would block."""

import re
from pathlib import Path

import pytest

import pacekeeper

pytestmark = pytest.mark.django_db

TEMPLATES = Path(pacekeeper.__file__).parent


@pytest.mark.parametrize("path", ["/my-day/", "/exports/customers/?format=xlsx", "/api/v1/customers", "/login/"])
def test_pages_exports_and_api_answers_are_not_stored_and_carry_the_policy(world, client, path):
    if path != "/login/":
        client.force_login(world.one.manager)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy


def test_no_template_holds_an_inline_script_or_event_handler():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        # An event handler attribute (onclick=, onchange=…), or a <script> with a body that is
        # not JSON data (json_script's type="application/json" is data, not run).
        for match in re.finditer(r"\son[a-z]+\s*=|<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>", text):
            found.append(f"{template.relative_to(TEMPLATES)}: {match.group(0).strip()}")
    assert found == []
