"""Long lists in pieces: an IN (…) list of a couple of thousand ids stays well within every
database's limit on query parameters (SQLite's is the lowest) and keeps each query quick."""

from collections.abc import Iterator, Sequence

IN_LIST = 2000


def chunks(items: Sequence, size: int = IN_LIST) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
