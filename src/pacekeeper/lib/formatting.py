"""One way to show a number (DESIGN rule 11, UX.md "Numbers, dates and colours").

Money, percentages, changes, dates, months and periods for pages, charts and exports are
formatted here and nowhere else; the template tags in tenancy/templatetags/formatting.py and
the chart data call these functions.

- cards and charts abbreviate: zh 万/亿 (¥12.35万, ¥1.20亿), en K/M/B (¥123.5K, ¥1.2M);
- tables show the full amount: ¥1,234.50;
- an amount someone typed is echoed in words ("¥5,000.00 — 0.5万元"), so 5000 meaning 5000万
  cannot slip through unseen;
- dates 2026年3月5日 / 5 Mar 2026; months 7月 / Jul; periods 2026年第1季度 / Q1 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

from pacekeeper.lib.money import CURRENCY_SYMBOLS, exponent, from_minor

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ZH_UNITS = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_EN_UNITS = ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K"))


def is_chinese(language: str) -> bool:
    return language.lower().startswith("zh")


def join_items(items, language: str | None = None) -> str:
    """Several items in one cell or line: "甲；乙" in Chinese, "a; b" in English (the reader's
    language unless one is given)."""
    language = language or translation.get_language() or "en"
    return ("；" if is_chinese(language) else "; ").join(str(item) for item in items)


def format_amount(minor: int, currency: str, language: str, *, short: bool = False) -> str:
    """Amount for display: full (tables) or short (cards and charts)."""
    value = from_minor(minor, currency)
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if value < 0 else ""
    value = abs(value)
    if short:
        chinese = is_chinese(language)
        places = Decimal("0.01") if chinese else Decimal("0.1")
        for size, unit in _ZH_UNITS if chinese else _EN_UNITS:
            if value >= size:
                return f"{sign}{symbol}{(value / size).quantize(places, rounding=ROUND_HALF_UP)}{unit}"
        return f"{sign}{symbol}{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return f"{sign}{symbol}{value:,.{exponent(currency)}f}"


def amount_in_words(minor: int, currency: str, language: str) -> str:
    """The echo of a typed amount: zh in 万元/亿元 (5000 → 0.5万元), en in thousand/million."""
    value = from_minor(minor, currency)
    if is_chinese(language):
        unit, size = ("亿元", Decimal(10) ** 8) if abs(value) >= Decimal(10) ** 8 else ("万元", Decimal(10) ** 4)
        return f"{_trimmed(value / size)}{unit}"
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"), (Decimal(10) ** 3, "thousand")):
        if abs(value) >= size:
            return f"{_trimmed(value / size)} {word}"
    return _trimmed(value)


def _trimmed(value: Decimal) -> str:
    """Up to four decimals, without trailing zeros: 0.5, 12.345, 5000."""
    text = f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_percent(value: Decimal | float | int | None) -> str:
    """Percentages with one decimal (UX.md)."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def format_rate(value: Decimal | float | int | None) -> str:
    """A rate someone set (a commission tier's 1.5 %), as set: no padding zeros ("1.5%", not
    "1.500%"), up to four decimals."""
    if value is None:
        return "—"
    return f"{_trimmed(Decimal(str(value)))}%"


def change_percent(now: int | Decimal | None, before: int | Decimal | None) -> Decimal | None:
    """The change from `before` to `now` in percent of `before`, one decimal; None when there is
    nothing to compare with."""
    if now is None or not before:
        return None
    return (Decimal(now - before) * 100 / abs(Decimal(before))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_date(day: dt.date, language: str) -> str:
    if is_chinese(language):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def format_datetime(moment: dt.datetime, language: str, *, seconds: bool = False) -> str:
    """2026年3月5日 14:05 / 5 Mar 2026 14:05 (the moment already in the organisation's zone)."""
    return (
        f"{format_date(moment.date(), language)} {moment:%H:%M:%S}"
        if seconds
        else (f"{format_date(moment.date(), language)} {moment:%H:%M}")
    )


def month_label(day: dt.date, language: str, *, with_year: bool = False) -> str:
    """Chart month labels: 7月 / Jul (with the year: 2026年7月 / Jul 2026)."""
    if is_chinese(language):
        return f"{day.year}年{day.month}月" if with_year else f"{day.month}月"
    return f"{MONTHS_EN[day.month - 1]} {day.year}" if with_year else MONTHS_EN[day.month - 1]


def format_period(start: dt.date, end: dt.date, language: str) -> str:
    """A period as people name it: 2026年全年 / 2026 (full year), 2026年第1季度 / Q1 2026,
    2026年3月 / Mar 2026, else the two dates."""
    chinese = is_chinese(language)
    following = end + dt.timedelta(days=1)
    whole_months = start.day == 1 and following.day == 1
    months = (following.year - start.year) * 12 + following.month - start.month if whole_months else 0
    if months == 12 and start.month == 1:
        return f"{start.year}年全年" if chinese else f"{start.year} (full year)"
    if months == 3 and start.month % 3 == 1:
        quarter = (start.month - 1) // 3 + 1
        return f"{start.year}年第{quarter}季度" if chinese else f"Q{quarter} {start.year}"
    if months == 1:
        return month_label(start, language, with_year=True)
    return f"{format_date(start, language)} – {format_date(end, language)}"


def format_file_size(size: int) -> str:
    """Bytes as people read them, the same in both languages: 812 B, 45.3 KB, 9.8 MB (1 KB =
    1024 B, as file managers count; one decimal, half up)."""
    if size < 1024:
        return f"{size} B"
    for unit, scale in (("KB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        value = (Decimal(size) / scale).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if value < 1024 or unit == "GB":
            return f"{value} {unit}"
    raise AssertionError("unreachable")


def format_hours(value: Decimal | int | None) -> str:
    """Hours of work as written: up to two decimals without padding zeros ("12.5", "8"), with
    thousands separators ("1,240"); the unit is the caller's (a translated "h")."""
    if value is None:
        return "—"
    hours = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{hours:,.2f}"
    return text.rstrip("0").rstrip(".")


def format_week(monday: dt.date, language: str, *, this_week: dt.date | None = None) -> str:
    """A week by its Monday (weeks start on Monday, UX.md), the one label for a week in tables,
    suggestions and reasons alike: zh 12月7日那周, en "week of 7 Dec"; the current week (the
    Monday given as `this_week`) is 本周 / "this week". Headings capitalise it (capfirst)."""
    if monday == this_week:
        return "本周" if is_chinese(language) else "this week"
    if is_chinese(language):
        return f"{monday.month}月{monday.day}日那周"
    return f"week of {monday.day} {MONTHS_EN[monday.month - 1]}"
