"""Scoring curves worked by hand at and around every edge: linear (capped at 120), linear with a
floor and a cap, bands; lower-is-better metrics; and the settings a curve refuses."""

from decimal import Decimal

import pytest

from pacekeeper.reviews.forms import parse_bands
from pacekeeper.reviews.scoring import band_problems, curve_chart, curve_problems, curve_score, metric_score

# <60 % → 0, 60–80 % → 60, 80–100 % → 80, 100–120 % → 100, from 120 % → 120.
BANDS = parse_bands("60=60; 80=80; 100=100; 120=120")


def test_the_band_text_reads_as_bands_from_zero():
    assert BANDS == [
        {"from": "0", "to": "60", "score": "0"},
        {"from": "60", "to": "80", "score": "60"},
        {"from": "80", "to": "100", "score": "80"},
        {"from": "100", "to": "120", "score": "100"},
        {"from": "120", "to": None, "score": "120"},
    ]
    assert band_problems(BANDS) == []


@pytest.mark.parametrize(
    "attained,expected",
    [
        ("0", "0.0"),
        ("59.99", "0.0"),  # the exact attainment is compared: just under 60 % is the first band
        ("60", "60.0"),  # a band's start is included
        ("79.99", "60.0"),
        ("80", "80.0"),
        ("99.9", "80.0"),
        ("100", "100.0"),
        ("119.99", "100.0"),
        ("120", "120.0"),
        ("500", "120.0"),  # the last band has no end
    ],
)
def test_bands_worked_by_hand(attained, expected):
    assert curve_score(Decimal(attained), "bands", bands=BANDS) == Decimal(expected)


@pytest.mark.parametrize(
    "attained,expected",
    [
        ("49.99", "0.0"),  # under the floor of 50 %: nothing
        ("50", "50.0"),  # at the floor: the attainment itself
        ("87.25", "87.3"),  # half up to one decimal
        ("109.99", "110.0"),  # rounds to the cap
        ("110", "110.0"),  # the cap
        ("150", "110.0"),  # never above it
    ],
)
def test_linear_with_a_floor_and_a_cap_worked_by_hand(attained, expected):
    assert curve_score(Decimal(attained), "capped", floor=Decimal(50), cap=Decimal(110)) == Decimal(expected)


def test_linear_with_no_floor_or_cap_is_the_plain_linear_curve():
    assert curve_score(Decimal("10"), "capped") == Decimal("10.0")
    assert curve_score(Decimal("130"), "capped") == Decimal("120.0")
    assert curve_score(Decimal("119.96"), "linear") == Decimal("120.0")
    assert curve_score(Decimal("130"), "linear") == Decimal("120.0")


@pytest.mark.parametrize(
    "lost,expected",
    [
        # Target: 4 customers lost. Attainment (2 − lost ÷ 4) × 100: 0 → 200, 2 → 150, 3 → 125,
        # 4 → 100, 5 → 75, 6 → 50, 8 → 0; then the bands.
        (0, "120.0"),
        (3, "120.0"),  # 125 %
        (4, "100.0"),  # exactly on target
        (5, "60.0"),  # 75 %: the 60–80 band
        (6, "0.0"),  # 50 %: under 60
        (9, "0.0"),  # never below 0
    ],
)
def test_lower_is_better_through_bands_worked_by_hand(lost, expected):
    assert metric_score("customers_lost", lost, Decimal(4), "bands", bands=BANDS) == Decimal(expected)


def test_lower_is_better_is_symmetric_around_the_target():
    # One above and one below a target of 10: 90 and 110, the same distance from 100.
    assert metric_score("customers_lost", 11, Decimal(10)) == Decimal("90.0")
    assert metric_score("customers_lost", 9, Decimal(10)) == Decimal("110.0")


@pytest.mark.parametrize(
    "bands,message",
    [
        ([], "at least one band"),
        ([{"from": "10", "to": None, "score": "50"}], "starts at 0"),
        (  # overlapping: the second starts before the first ends
            [{"from": "0", "to": "60", "score": "0"}, {"from": "50", "to": None, "score": "60"}],
            "no overlap",
        ),
        (  # a gap between 60 and 70
            [{"from": "0", "to": "60", "score": "0"}, {"from": "70", "to": None, "score": "60"}],
            "no overlap, no gap",
        ),
        (  # out of order
            [
                {"from": "0", "to": "80", "score": "0"},
                {"from": "80", "to": "60", "score": "60"},
                {"from": "60", "to": None, "score": "80"},
            ],
            "ends above where it starts",
        ),  # fmt: skip
        ([{"from": "0", "to": "60", "score": "0"}], "last band has no end"),
        ([{"from": "0", "to": None, "score": "130"}], "from 0 to 120"),
        ([{"from": "0", "score": "x"}], "a from, a to and a score"),
    ],
)
def test_bad_bands_are_refused_in_words(bands, message):
    assert message in " ".join(band_problems(bands))


def test_bad_floor_cap_or_curve_name_are_refused():
    assert "cap" in " ".join(curve_problems("capped", None, Decimal(130), ()))
    assert "cap" in " ".join(curve_problems("capped", None, Decimal(0), ()))
    assert "floor" in " ".join(curve_problems("capped", Decimal(-1), None, ()))
    assert "curve" in " ".join(curve_problems("stairs", None, None, ()))
    assert curve_problems("capped", Decimal(50), Decimal(110), ()) == []


def test_the_chart_draws_the_curve_over_0_to_150_percent():
    points = curve_chart("bands", bands=BANDS).split()
    assert len(points) == 151
    assert points[0] == "0.0,80.0"  # 0 % → score 0: the bottom left
    assert points[60] == "64.0,40.0"  # 60 % → 60: half way up
    assert points[150] == "160.0,0.0"  # 150 % → 120: the top right
