"""Tier modes, product lines, accelerators, caps, draws, clawbacks and rounding: the pure maths
(commission.py) against worked examples at and around every edge, and two properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacekeeper.incentives.commission import (
    MARGINAL,
    WHOLE,
    Accelerator,
    Clawback,
    Tier,
    commission_exact,
    commission_minor,
    multiplier_for,
    pools_of,
    statement,
)

# 2 % from ¥0; 3 % from ¥100,000; 5 % from ¥300,000 (thresholds inclusive).
TIERS = [Tier(0, Decimal("2")), Tier(100_000_00, Decimal("3")), Tier(300_000_00, Decimal("5"))]


@pytest.mark.parametrize(
    "basis,marginal,whole",
    [
        (0, 0, 0),
        (-1_00, 0, 0),
        (99_999_99, 2_000_00, 2_000_00),  # 199,999.98 fen both ways (2 % of it all): rounds up
        (100_000_00, 2_000_00, 3_000_00),  # the threshold reached: whole pays 3 % on all of it
        (100_000_01, 2_000_00, 3_000_00),  # marginal 2,000.0003; whole 3,000.0003 (rounded down)
        (299_999_99, 8_000_00, 9_000_00),  # 7,999.9997 → 8,000.00; 8,999.9997 → 9,000.00
        (300_000_00, 8_000_00, 15_000_00),
        (300_000_01, 8_000_00, 15_000_00),  # + 0.05 fen either way: rounds down
    ],
)
def test_marginal_and_whole_amount_around_every_threshold(basis, marginal, whole):
    assert commission_minor(basis, TIERS, MARGINAL) == marginal
    assert commission_minor(basis, TIERS, WHOLE) == whole


def test_whole_amount_exact_values_by_hand():
    assert commission_exact(99_999_99, TIERS, WHOLE) == Decimal("199999.98")  # 2 % of 9,999,999 fen
    assert commission_exact(100_000_00, TIERS, WHOLE) == Decimal("300000.00")
    assert commission_exact(299_999_99, TIERS, WHOLE) == Decimal("899999.97")


def test_below_a_lowest_threshold_above_zero_nothing_is_paid_in_either_mode():
    tiers = [Tier(10_000_00, Decimal("10"))]
    assert commission_minor(9_999_99, tiers, WHOLE) == 0
    assert commission_minor(10_000_00, tiers, WHOLE) == 1_000_00  # reached: 10 % of all of it
    assert commission_minor(10_000_00, tiers, MARGINAL) == 0  # nothing above the threshold yet
    assert commission_minor(10_000_01, tiers, MARGINAL) == 0  # 0.1 fen rounds down


@pytest.mark.parametrize(
    "attainment,multiplier",
    [(None, "1"), ("0", "1"), ("99.9", "1"), ("100.0", "1.5"), ("119.9", "1.5"), ("120.0", "2"), ("250", "2")],
)
def test_the_highest_accelerator_reached_applies_inclusive(attainment, multiplier):
    accelerators = [Accelerator(Decimal(100), Decimal("1.5")), Accelerator(Decimal(120), Decimal(2))]
    found = multiplier_for(None if attainment is None else Decimal(attainment), accelerators)
    assert found == Decimal(multiplier)


def test_product_lines_with_tiers_of_their_own_are_pooled_apart():
    tiers = [*TIERS, Tier(0, Decimal(4), "Loans")]
    assert pools_of({"Loans": 50_00, "Cards": 20_00, "": 5_00}, tiers) == {"Loans": 50_00, "": 25_00}


def test_a_statement_worked_by_hand_products_accelerator_cap_and_clawback():
    """Other lines ¥150,000: 2,000 + 1,500 = 3,500; Loans ¥50,000 at 4 %: 2,000; earned 5,500;
    × 1.5 → +2,750 = 8,250; capped at 8,000 (−250); a cancelled Loans order of ¥10,000 paid at
    6 % (4 % × 1.5) earlier → −600. Payable 7,400.00."""
    tiers = [*TIERS, Tier(0, Decimal(4), "Loans")]
    result = statement(
        pools={"": 150_000_00, "Loans": 50_000_00},
        tiers=tiers,
        multiplier=Decimal("1.5"),
        cap_minor=8_000_00,
        clawbacks=[Clawback(7, 3, "Loans", 10_000_00, Decimal("6"))],
    )
    assert [(item.kind, item.product_line, item.exact) for item in result.items] == [
        ("tier", "", Decimal("200000")),
        ("tier", "", Decimal("150000")),
        ("tier", "Loans", Decimal("200000")),
        ("accelerator", "", Decimal("275000.0")),
        ("cap", "", Decimal("-25000.0")),
        ("clawback", "Loans", Decimal("-60000")),
    ]
    assert result.total_minor == 7_400_00
    assert result.rates == {"": "3.500000", "Loans": "6.000000"}
    claw = result.items[-1]
    assert (claw.sale_id, claw.source_run_id, claw.rate_percent, claw.base_minor) == (7, 3, Decimal(6), 10_000_00)


def test_a_floor_is_advanced_as_a_draw_and_recovered_from_later_pay_above_it():
    tiers = [Tier(0, Decimal(10))]
    first = statement(pools={"": 30_000_00}, tiers=tiers, floor_minor=5_000_00)  # earns 3,000
    assert [(i.kind, i.exact) for i in first.items][-1] == ("draw", Decimal("200000.0"))
    assert first.total_minor == 5_000_00
    second = statement(pools={"": 65_000_00}, tiers=tiers, floor_minor=5_000_00, draw_outstanding=Decimal(2_000_00))
    assert second.items[-1].kind == "draw_recovery" and second.total_minor == 5_000_00  # recovers 1,500
    third = statement(pools={"": 90_000_00}, tiers=tiers, floor_minor=5_000_00, draw_outstanding=Decimal(500_00))
    assert third.total_minor == 8_500_00  # the last 500 recovered


def test_rounding_happens_once_per_line_half_up_and_is_an_item():
    result = statement(pools={"": 33}, tiers=TIERS)  # 0.66 fen
    assert result.total_minor == 1
    assert [(i.kind, i.exact) for i in result.items] == [("tier", Decimal("0.66")), ("rounding", Decimal("0.34"))]
    assert statement(pools={"": 25}, tiers=TIERS).total_minor == 1  # 0.5 fen: up
    assert statement(pools={"": 24}, tiers=TIERS).total_minor == 0  # 0.48 fen: down


def test_a_cap_of_zero_pays_nothing_but_clawbacks_still_apply():
    result = statement(pools={"": 100_00}, tiers=TIERS, cap_minor=0, clawbacks=[Clawback(1, 1, "", 100_00, Decimal(2))])
    assert result.total_minor == -2_00


@st.composite
def _scales(draw):
    starts = draw(st.lists(st.integers(0, 10**9), min_size=1, max_size=5, unique=True))
    rates = draw(
        st.lists(
            st.decimals(0, 100, places=3, allow_nan=False, allow_infinity=False),
            min_size=len(starts),
            max_size=len(starts),
        )
    )
    return [Tier(start, rate) for start, rate in zip(sorted(starts), sorted(rates), strict=True)]


@settings(deadline=None)
@given(basis=st.integers(-(10**6), 10**11), tiers=_scales())
def test_marginal_never_pays_more_than_whole_amount_when_rates_do_not_decrease(basis, tiers):
    assert commission_exact(basis, tiers, MARGINAL) <= commission_exact(basis, tiers, WHOLE)
    assert commission_minor(basis, tiers, MARGINAL) <= commission_minor(basis, tiers, WHOLE)


@settings(deadline=None)
@given(
    pools=st.dictionaries(st.sampled_from(["", "Loans", "Cards"]), st.integers(1, 10**10), max_size=3),
    tiers=_scales(),
    mode=st.sampled_from([MARGINAL, WHOLE]),
    multiplier=st.decimals(1, 3, places=2),
    cap=st.none() | st.integers(0, 10**8),
    floor=st.none() | st.integers(0, 10**6),
    owed=st.decimals(0, 10**6, places=4),
    claws=st.lists(st.integers(1, 10**7), max_size=3),
)
def test_a_lines_items_add_up_to_its_total_exactly(pools, tiers, mode, multiplier, cap, floor, owed, claws):
    clawbacks = [Clawback(i, 1, "", amount, Decimal("2.5")) for i, amount in enumerate(claws)]
    result = statement(
        pools=pools,
        tiers=tiers,
        mode=mode,
        multiplier=multiplier,
        cap_minor=cap,
        floor_minor=floor,
        draw_outstanding=owed,
        clawbacks=clawbacks,
    )
    assert sum(item.exact for item in result.items) == result.total_minor
    rounding = [item.exact for item in result.items if item.kind == "rounding"]
    assert all(abs(r) <= Decimal("0.5") for r in rounding)  # half up: away from zero at .5
