"""A small fixed-window rate limit in Django's cache, for public endpoints that need no account
(the survey answer page): `allow(key, limit, seconds)` is False once `key` was seen `limit`
times within the current window. With the default local-memory cache each server process counts
on its own; set REDIS_URL to share the count between processes (docs/feedback.md)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, seconds: int) -> bool:
    window = int(time.time() // seconds)
    name = f"rate:{key}:{window}"
    if cache.add(name, 1, timeout=seconds + 1):
        return limit >= 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: a new window
        cache.add(name, 1, timeout=seconds + 1)
        count = 1
    return count <= limit
