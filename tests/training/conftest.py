import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Services' messages are asserted in English (the shipped zh translation would differ)."""
    with translation.override("en"):
        yield
