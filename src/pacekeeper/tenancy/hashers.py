"""Argon2id at OWASP's recommended strength, on one lane.

Django's default Argon2 settings (100 MiB, 8 lanes) make every sign-in occupy every core of a
small server for ~0.1 s: a burst of sign-ins at 9:00 stalls everyone's pages (measured with
`pacekeeper bench load`). OWASP's Password Storage Cheat Sheet recommends Argon2id with
19 MiB, 2 iterations and 1 lane as the baseline; one lane keeps a sign-in on one core. Hashes
made with other settings still verify and are re-made with these at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
