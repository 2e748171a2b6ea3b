"""Reading a row's id from what people send: a query string, a form field, a URL.

`str.isdigit` is not the test: it accepts "²" and other Unicode digits that `int()` refuses, and
`int()` accepts "٣" (Arabic-Indic three), " 7 " and "1_000". An id is written in ASCII digits
only and must fit the databases' signed 64-bit integer: a larger number cannot name a row and
would make the database driver raise OverflowError (a 500). Anything else is "no such id".
"""

import re

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField / bigint primary key
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """The id written in `value`, or None when it cannot name a row (empty, not ASCII digits,
    zero, or beyond 64 bits). Integers (from JSON) are checked against the same range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values: list[str]) -> list[int]:
    """The ids among `values` (a form's checked boxes), skipping any that cannot name a row."""
    return [number for number in map(parse_id, values) if number is not None]
