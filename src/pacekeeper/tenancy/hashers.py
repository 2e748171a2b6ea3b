"""Argon2id at OWASP's recommended strength, on one lane, a bounded number at a time.

Django's default Argon2 settings (100 MiB, 8 lanes) make every sign-in occupy every core of a
small server for ~0.1 s: a burst of sign-ins at 9:00 stalls everyone's pages (measured with
`pacekeeper bench load`). OWASP's Password Storage Cheat Sheet recommends Argon2id with
19 MiB, 2 iterations and 1 lane as the baseline; one lane keeps a sign-in on one core. Hashes
made with other settings still verify and are re-made with these at the next sign-in.

However many sign-ins arrive at once (a storm of them, or someone trying passwords), at most
PASSWORD_HASHING_SLOTS hashes run at the same time on one machine — half its cores by default —
so the other half keeps serving pages; the rest wait their turn without using the CPU.
"""

import contextlib
import random

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

try:
    import fcntl
except ImportError:  # not on POSIX: no machine-wide limit
    fcntl = None


@contextlib.contextmanager
def hashing_slot():
    """Hold one of the machine's PASSWORD_HASHING_SLOTS (file locks in DATA_DIR, shared by every
    worker process): a free one if there is, else wait for one."""
    slots = settings.PASSWORD_HASHING_SLOTS
    if slots <= 0 or fcntl is None:
        yield
        return
    folder = settings.DATA_DIR / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    order = random.sample(range(slots), slots)
    handles = [open(folder / f"password-hashing-{slot}.lock", "a+b") for slot in order]  # noqa: SIM115
    try:
        held = next((handle for handle in handles if _try_lock(handle)), None)
        if held is None:
            held = handles[0]
            fcntl.flock(held, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    finally:
        for handle in handles:
            handle.close()


def _try_lock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password, salt):
        with hashing_slot():
            return super().encode(password, salt)

    def verify(self, password, encoded):
        with hashing_slot():
            return super().verify(password, encoded)
