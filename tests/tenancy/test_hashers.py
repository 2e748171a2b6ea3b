"""Password hashing runs at most PASSWORD_HASHING_SLOTS at once on a machine, at a lower CPU
priority than pages, and at most PASSWORD_HASHING_QUEUE sign-ins of a process wait or hash at
once (the Argon2id settings and their upgrade at sign-in, and what a refused sign-in sees:
tests/tenancy/test_sign_in.py)."""

import contextlib
import os
import threading
import time

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from pacekeeper import settings as deployed_settings
from pacekeeper.errors import SignInsBusy
from pacekeeper.tenancy import hashers
from pacekeeper.tenancy.hashers import Argon2idHasher, at_low_priority, hashing_slot


def test_a_hash_waits_while_every_slot_is_taken(settings):
    settings.PASSWORD_HASHING_SLOTS = 1
    holding, release, second_in = threading.Event(), threading.Event(), threading.Event()

    def first():
        with hashing_slot():
            holding.set()
            release.wait(10)

    def second():
        holding.wait(10)
        with hashing_slot():
            second_in.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    holding.wait(10)
    assert not second_in.wait(0.3)  # the one slot is taken: the second hash waits
    release.set()
    assert second_in.wait(10)  # and goes on as soon as it is free
    for thread in threads:
        thread.join()


def _two_at_once(run) -> list[bool]:
    """Call run(meet) on two threads; `meet` returns once both are inside it, or times out.
    Returns [True, True] when both got through."""
    inside = threading.Barrier(2, timeout=10)
    finished = []

    def one():
        run(inside.wait)
        finished.append(True)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return finished


def test_two_slots_let_two_hashes_run_together(settings):
    settings.PASSWORD_HASHING_SLOTS = 2

    def hash_in_slot(meet):
        with hashing_slot():
            meet()  # both inside at once, or this times out

    finished = _two_at_once(hash_in_slot)
    assert finished == [True, True]


def test_a_password_is_hashed_at_a_lower_cpu_priority_than_the_request(settings, monkeypatch):
    settings.PASSWORD_HASHING_NICE = 5
    niceness = {}

    def record_priority(self, password, encoded):
        niceness["hashing"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return password == "right"

    monkeypatch.setattr(Argon2PasswordHasher, "verify", record_priority)
    request_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert Argon2idHasher().verify("right", "argon2$…") is True
    assert Argon2idHasher().verify("wrong", "argon2$…") is False
    assert niceness["hashing"] == min(19, request_nice + 5)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == request_nice  # the request's own is kept


def test_with_the_deployed_hashers_a_real_hash_is_checked_on_the_hashing_threads_in_a_slot(settings, monkeypatch):
    settings.PASSWORD_HASHERS = deployed_settings.PASSWORD_HASHERS  # the suite's default is MD5
    settings.PASSWORD_HASHING_NICE = 10
    checked_on = []

    @contextlib.contextmanager
    def recording_slot():
        checked_on.append(threading.current_thread().name)
        yield

    monkeypatch.setattr(hashers, "hashing_slot", recording_slot)
    encoded = make_password("correct horse battery staple")
    checked_on.clear()

    assert encoded.startswith("argon2$argon2id$")
    assert check_password("correct horse battery staple", encoded)
    assert not check_password("Tr0ub4dor&3", encoded)
    # Every check in a slot, on a hashing thread (not with another hasher of the same name).
    assert len(checked_on) == 2
    assert all(name.startswith("password-hashing") for name in checked_on)


def test_with_no_limit_hashes_at_low_priority_still_run_side_by_side(settings):
    settings.PASSWORD_HASHING_SLOTS = 0
    settings.PASSWORD_HASHING_NICE = 10
    finished = _two_at_once(at_low_priority)  # both inside the hashing threads at once, or it times out
    assert finished == [True, True]


def _wait_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_sign_in_beyond_the_process_queue_is_refused_at_once_while_the_waiting_one_goes_on(settings):
    settings.PASSWORD_HASHING_SLOTS = 1
    settings.PASSWORD_HASHING_QUEUE = 1
    encoded = Argon2idHasher().encode("correct horse battery staple", Argon2idHasher().salt())
    slot_taken, release = threading.Event(), threading.Event()
    checked = []

    def another_worker_hashing():  # holds the machine's only slot
        with hashing_slot():
            slot_taken.set()
            release.wait(10)

    def someone_signing_in():  # takes this process's only place and waits for the slot
        checked.append(Argon2idHasher().verify("correct horse battery staple", encoded))

    holder, waiting = threading.Thread(target=another_worker_hashing), threading.Thread(target=someone_signing_in)
    holder.start()
    assert slot_taken.wait(10)
    waiting.start()
    assert _wait_until(lambda: hashers._admitted == 1)
    # The slot is still held, so a check that waited would never come back before `release`.
    with pytest.raises(SignInsBusy):
        Argon2idHasher().verify("correct horse battery staple", encoded)
    assert checked == []
    release.set()
    for thread in (holder, waiting):
        thread.join(10)
    assert checked == [True]
    assert hashers._admitted == 0  # the place is free again: the next sign-in is checked
    assert Argon2idHasher().verify("correct horse battery staple", encoded) is True


def test_with_no_queue_limit_sign_ins_are_never_refused(settings):
    settings.PASSWORD_HASHING_QUEUE = 0
    with hashers.admitted(), hashers.admitted(), hashers.admitted():
        assert hashers._admitted == 3
