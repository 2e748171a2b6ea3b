"""Argon2id at OWASP's recommended strength, on one lane, a bounded number at a time.

Django's default Argon2 settings (100 MiB, 8 lanes) make every sign-in occupy every core of a
small server for ~0.1 s: a burst of sign-ins at 9:00 stalls everyone's pages (measured with
`pacekeeper bench load`). OWASP's Password Storage Cheat Sheet recommends Argon2id with
19 MiB, 2 iterations and 1 lane as the baseline; one lane keeps a sign-in on one core. Hashes
made with other settings still verify and are re-made with these at the next sign-in.

However many sign-ins arrive at once (a storm of them, or someone trying passwords), at most
PASSWORD_HASHING_SLOTS hashes run at the same time on one machine — half its cores by default —
so the other half keeps serving pages; the rest wait their turn without using the CPU.

And a hash runs at a lower CPU priority than pages (PASSWORD_HASHING_NICE): on a busy machine,
the people already at work get the CPU first and a sign-in takes longer; on an idle one a
sign-in is as fast as ever.

A sign-in waiting for its slot holds one of the server's threads all the while, and pages queue
behind a worker whose threads all wait (measured: four people signing in over and over tripled
the p95 of the pages that shared a worker with them). So one server process lets at most
PASSWORD_HASHING_QUEUE sign-ins wait or hash at once (all its threads but two by default); one
more is answered at once with SignInsBusy ("try again in a few seconds", 503), and the other
threads stay free for pages.
"""

import contextlib
import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

from pacekeeper.errors import SignInsBusy

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


_admitted = 0  # sign-ins of this process now waiting for a slot or hashing
_admitted_lock = threading.Lock()


@contextlib.contextmanager
def admitted():
    """One of the PASSWORD_HASHING_QUEUE places of this process for a sign-in that waits or
    hashes (0: no limit); with none free, SignInsBusy at once rather than another waiting thread."""
    global _admitted
    limit = settings.PASSWORD_HASHING_QUEUE
    with _admitted_lock:
        if 0 < limit <= _admitted:
            raise SignInsBusy()
        _admitted += 1
    try:
        yield
    finally:
        with _admitted_lock:
            _admitted -= 1


def at_low_priority(function, *args):
    """Run function(*args) on this process's hashing threads, whose CPU priority is lowered by
    PASSWORD_HASHING_NICE. Argon2 releases the GIL while it hashes, so the request threads of
    this process keep running meanwhile."""
    if settings.PASSWORD_HASHING_NICE <= 0 or not hasattr(os, "setpriority"):
        return function(*args)
    return _hashing_threads().submit(function, *args).result()


_pools: dict[tuple, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _hashing_threads() -> ThreadPoolExecutor:
    # Keyed by process (threads do not survive a fork) and by the settings they were made with.
    slots = settings.PASSWORD_HASHING_SLOTS
    key = (os.getpid(), settings.PASSWORD_HASHING_NICE, slots)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ThreadPoolExecutor(
                # As many as may hash at once; with no limit (0), one per core.
                max_workers=slots if slots > 0 else os.cpu_count() or 1,
                thread_name_prefix="password-hashing",
                initializer=_lower_priority,
                initargs=(settings.PASSWORD_HASHING_NICE,),
            )
        return _pools[key]


def _lower_priority(increment: int) -> None:
    # On Linux the nice value belongs to each thread: this lowers the hashing thread only.
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + increment))


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
        with admitted():
            return at_low_priority(self._in_slot, super().encode, password, salt)

    def verify(self, password, encoded):
        with admitted():
            return at_low_priority(self._in_slot, super().verify, password, encoded)

    @staticmethod
    def _in_slot(hash_function, *args):
        with hashing_slot():
            return hash_function(*args)
