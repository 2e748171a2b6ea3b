"""lib.ids: the one reading of an id from user input."""

import pytest

from pacekeeper.lib.ids import MAX_ID, parse_id, parse_ids


@pytest.mark.parametrize("text", ["1", "42", "0042", str(MAX_ID)])
def test_it_reads_ascii_digits_within_64_bits(text):
    assert parse_id(text) == int(text)


@pytest.mark.parametrize(
    "text",
    ["", "0", "-1", "²", "²²", "٣", "１２", " 7", "7 ", "1_000", "1.0", "1e3", str(MAX_ID + 1), "9" * 30, None, True],
)
def test_it_refuses_what_cannot_name_a_row(text):
    # "²" and "٣" pass str.isdigit(); "²" then made int() raise, 64-bit overflows reached the database.
    assert parse_id(text) is None


def test_it_keeps_only_the_ids_of_a_list():
    assert parse_ids(["3", "²", "9" * 30, "5"]) == [3, 5]
