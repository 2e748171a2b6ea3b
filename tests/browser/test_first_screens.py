"""Each role's first screen at 390 px and 1440 px, in Chinese and English (issue 14, "How this is
checked"): nothing wider than the screen, no text drawn over other text, no English left on a
Chinese page, money and dates in the formats of UX.md.

One browser for the whole test; one context per language, one sign-in per role and language, the
viewport changed in place. Runs with `-m browser` (Debian's Chromium; see test_field_visit.py).
"""

import datetime as dt
import re

import pytest

from pacekeeper.goals.models import Goal
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import Team, User
from tests.factories import PASSWORD, SaleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["manager", "lead", "director", "admin", "analyst"]
WIDTHS = [390, 1440]
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-GB"}
# Words that stay as they are on a Chinese page: file formats, acronyms, the product's name.
ALLOWED_LATIN = {"CSV", "XLSX", "Excel", "API", "KPI", "NPS", "CSAT", "SLA", "SMART", "Pacekeeper", "K", "M", "B"}

# The visible text nodes of the page, each with its box: in-flow text only (the tab bar and the
# floating action are fixed above the page by design), nothing hidden or drawn in a chart.
TEXT_BOXES_JS = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skipped = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.position === "fixed" || style.position === "sticky") return true;
      if (style.visibility === "hidden" || style.display === "none") return true;
      if (e.matches("svg, script, style, select, option, .sr-only, .chart, [lang]")) return true;
      const box = e.getBoundingClientRect();  // visually hidden (for screen readers): clipped to a pixel
      if ((box.width <= 2 || box.height <= 2) && style.overflow !== "visible") return true;
    }
    return false;
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text || skipped(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1) boxes.push({text, x: r.left, y: r.top + scrollY, w: r.width, h: r.height});
    }
  }
  return boxes;
}"""


@pytest.fixture
def screens(world):
    """Figures on every first screen: a sale today and last month, a team goal and a personal goal."""
    one = world.one
    today = one.actor("manager").today()
    SaleFactory(customer=one.customers["manager"], ordered_on=today, amount_minor=12_345_678)
    SaleFactory(customer=one.customers["teammate"], ordered_on=today.replace(day=1), amount_minor=987_654_321)
    rollups_rebuild(org=one.org)
    year = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    Goal.objects.create(
        org=one.org, title="全年销售", metric="sales_amount", level="team", team=one.team_a,
        starts_on=year[0], ends_on=year[1], target=50_000_000_00, status="active",
    )  # fmt: skip
    Goal.objects.create(
        org=one.org, title="个人销售", metric="sales_amount", level="manager", person=one.manager,
        starts_on=year[0], ends_on=year[1], target=1_000_000_00, status="active",
    )  # fmt: skip
    # Names people gave things are theirs, in whatever language: they are not untranslated text.
    names = [str(u) for u in User.objects.filter(org=one.org)] + [t.name for t in Team.objects.filter(org=one.org)]
    names += [c.name for c in one.customers.values()] + [u.username for u in User.objects.filter(org=one.org)]
    return {"data_words": set(re.findall(r"[A-Za-z]+", " ".join(names)))}


def test_each_roles_first_screen_reads_right_on_a_phone_and_a_desktop_in_both_languages(
    live_server, world, screens, browser, settings
):
    settings.TWO_FACTOR_REQUIRED_ROLES = []  # the first screen, not the authenticator set-up (as in the demo)
    problems = []
    for language, locale in LANGUAGES.items():
        context = browser.new_context(locale=locale)
        for role in ROLES:
            context.clear_cookies()  # signs the previous role out
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page = context.new_page()
            _sign_in(page, live_server.url, getattr(world.one, role).username)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
                page.goto(f"{live_server.url}/")
                page.wait_for_load_state("networkidle")
                where = f"{role} {language} {width}px {page.url.removeprefix(live_server.url)}"
                problems += [f"{where}: {problem}" for problem in _check(page, language, screens["data_words"])]
            page.close()
        context.close()
    assert not problems, "\n".join(problems)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _check(page, language: str, data_words: set[str]) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if width > viewport:
        problems.append(f"{width - viewport}px wider than the screen")
    boxes = page.evaluate(TEXT_BOXES_JS)
    problems += [f"{a!r} overlaps {b!r}" for a, b in _overlaps(boxes)]
    text = " ".join(box["text"] for box in boxes)
    if language.startswith("zh"):
        english = sorted(set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN - data_words)
        if english:
            problems.append(f"untranslated: {english}")
    problems += _formats(text, language)
    return problems


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of text boxes that cover each other by more than 2 px both ways."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > 2 and dy > 2:
                found.append((a["text"], b["text"]))
    return found[:10]


MONEY = {
    # full (tables) or short (cards and charts); zh short in 万/亿, en short in K/M/B.
    "zh": re.compile(r"-?¥(\d{1,3}(,\d{3})*\.\d{2}|\d+\.\d{2}[万亿]|\d{1,3}(,\d{3})*)"),
    "en": re.compile(r"-?¥(\d{1,3}(,\d{3})*\.\d{2}|\d+\.\d[KMB]|\d{1,3}(,\d{3})*)"),
}


def _formats(text: str, language: str) -> list[str]:
    problems = []
    key = "zh" if language.startswith("zh") else "en"
    for token in re.findall(r"-?¥[^\s/·()（）]*", text):
        token = token.rstrip(",.;:，。；：")
        if not MONEY[key].fullmatch(token):
            problems.append(f"money {token!r} not in the {key} format")
    if re.search(r"\b\d{4}-\d{2}-\d{2}\b", text):
        problems.append("an ISO date shown to people")
    if key == "en" and re.search(r"\d+年|\d+月\d+日|[万亿]", text):
        problems.append("Chinese dates or 万/亿 on an English page")
    if key == "zh" and re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", text):
        problems.append("English dates on a Chinese page")
    return problems


def test_the_checks_catch_what_they_are_for():
    """The browser test's own checks, on made-up input: they would fail a page that breaks them."""
    assert _formats("合计 ¥12.35万 · ¥1,234.50", "zh-hans") == []
    assert _formats("Total ¥12.35万", "en")  # 万 on an English page
    assert _formats("Total ¥1234.5", "en")  # neither full nor short
    assert _formats("截至 2026-03-05", "zh-hans")  # an ISO date
    assert _formats("Sales ¥1.2M, 5 Mar 2026", "en") == []
    boxes = [
        {"text": "1. 自评", "x": 0, "y": 0, "w": 60, "h": 20},
        {"text": "2. 主管评估", "x": 50, "y": 0, "w": 80, "h": 20},
    ]
    assert _overlaps(boxes) == [("1. 自评", "2. 主管评估")]
    assert _overlaps([boxes[0], {**boxes[1], "x": 64}]) == []


# Every box of a card's facts inside the card: a long amount or label is not cut at its edge.
OUTSIDE_CARDS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll(".card .facts > *, .card.stat > *")) {
    const card = el.closest(".card").getBoundingClientRect();
    const box = el.getBoundingClientRect();
    if (box.right > card.right + 1 || el.scrollWidth > el.clientWidth + 1) out.push(el.textContent.trim().slice(0, 40));
  }
  return out;
}"""


def test_a_goal_and_a_customer_fit_a_phone_in_both_languages(live_server, world, browser, settings):
    """390 px, long figures and words (the demo's ¥82,338,794.56 forecasts, a 18-character
    external id, "Expected by today (last year's shape)"): no sideways scrolling, and nothing
    sticks out of its card."""
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    one = world.one
    customer = one.customers["manager"]
    customer.external_id = "9131001QHY8M000001"
    customer.needs = "Lower financing costs; cross-border settlement for the new export business"
    customer.save()
    today = one.actor("manager").today()
    for months_ago in (0, 1, 12):
        SaleFactory(
            customer=customer, ordered_on=today - dt.timedelta(days=30 * months_ago), amount_minor=6_114_789_745
        )
    rollups_rebuild(org=one.org)
    goal = Goal.objects.create(
        org=one.org, title="客户经理001组 2026年销售额 · 范帆", metric="sales_amount", level="manager",
        person=one.manager, starts_on=dt.date(today.year, 1, 1), ends_on=dt.date(today.year, 12, 31),
        target=8_999_999_999, baseline=6_788_151_989, status="active",
    )  # fmt: skip
    problems = []
    for language, locale in LANGUAGES.items():
        context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        _sign_in(page, live_server.url, one.manager.username)
        for path in (f"/goals/{goal.pk}/", f"/customers/{customer.pk}/"):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                problems.append(f"{language} {path}: {width - 390}px wider than the screen")
            problems += [
                f"{language} {path}: {text!r} sticks out of its card" for text in page.evaluate(OUTSIDE_CARDS_JS)
            ]
        context.close()
    assert not problems, "\n".join(problems)
