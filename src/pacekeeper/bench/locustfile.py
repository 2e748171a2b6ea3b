"""The people of `pacekeeper bench load`, for locust. Run by bench/load.py, one phase at a time;
every request's name, time and failure go to the JSON file named by PACEKEEPER_LOAD_RESULTS.

Think time is zero: each simulated person sends their next request as soon as the last one
answers, so throughput is the server's, not the script's.
"""

import datetime as dt
import json
import os
import random
import time
from collections import Counter

from locust import HttpUser, constant, events, task

MANAGERS = int(os.environ.get("PACEKEEPER_LOAD_MANAGERS", "2000"))
LEADS = max(1, MANAGERS // 10)
PASSWORD = os.environ.get("PACEKEEPER_LOAD_PASSWORD", "pacekeeper")
RESULTS: list[tuple[str, str, float, bool, float]] = []  # kind, name, ms, failed, when it ended (epoch s)
FAILURES: Counter[str] = Counter()  # "name: what went wrong" → how many times
REFUSED: Counter[str] = Counter()  # sign-ins answered "busy, try again" (503) → how many times
SIGN_IN_TRIES = 10


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    RESULTS.append((request_type, name, response_time, exception is not None, time.time()))
    if exception is not None:
        FAILURES[f"{name}: {str(exception)[:200]}"] += 1


@events.quitting.add_listener
def _save(environment, **kwargs):
    with open(os.environ["PACEKEEPER_LOAD_RESULTS"], "w") as out:
        json.dump({"requests": RESULTS, "failures": FAILURES, "refused": REFUSED}, out)


class Person(HttpUser):
    abstract = True
    wait_time = constant(0)
    username = ""

    def on_start(self):
        self.sign_in(self.pick_username())

    def sign_in(self, username: str, name: str = "sign in", password: str = PASSWORD, tries: int = SIGN_IN_TRIES):
        """Sign in as a person would: told the server is busy (503), try again when it says.
        True when signed in."""
        self.client.get("/login/", name=f"{name} (page)")
        csrf = self.client.cookies.get("csrftoken", "")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        for _try in range(tries):
            with self.client.post("/login/", form, name=name, allow_redirects=False, catch_response=True) as response:
                if response.status_code != 503:
                    return response.status_code == 302
                response.success()  # the server protecting its pages, as designed: counted apart
                REFUSED[name] += 1
            if _try + 1 < tries:
                time.sleep(int(response.headers.get("Retry-After", "1")))
        return False

    def api_post(self, path: str, body: dict, name: str):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host}
        return self.client.post(path, json=body, headers=headers, name=name)


class ManagerUser(Person):
    weight = 6

    def pick_username(self) -> str:
        return f"am{random.randint(1, MANAGERS):04d}"

    def on_start(self):
        super().on_start()
        listing = self.client.get("/api/v1/customers?page_size=50", name="api customers").json()
        self.customer_ids = [row["id"] for row in listing.get("items", [])] or [0]

    @task(3)
    def my_day(self):
        self.client.get("/my-day/", name="my day")

    @task(2)
    def customers(self):
        self.client.get(f"/customers/?page={random.randint(1, 2)}", name="customer list")

    @task(2)
    def customer(self):
        self.client.get(f"/customers/{random.choice(self.customer_ids)}/", name="customer page")

    @task(1)
    def log_a_visit(self):
        body = {
            "customer": random.choice(self.customer_ids),
            "kind": "visit",
            "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
            "summary": "拜访客户，了解季度资金需求",
        }
        self.api_post("/api/v1/interactions", body, name="api log visit")

    @task(1)
    def api_customers(self):
        self.client.get("/api/v1/customers?page_size=20", name="api customers")


class LeadUser(Person):
    weight = 2

    def pick_username(self) -> str:
        return f"lead{random.randint(1, LEADS):03d}"

    @task(2)
    def team(self):
        self.client.get("/team/", name="team dashboard")

    @task(1)
    def follow_ups(self):
        self.client.get("/follow-ups/", name="follow-ups")

    @task(1)
    def leaderboard(self):
        self.client.get("/leaderboard/", name="leaderboard")


class AnalystUser(Person):
    weight = 1

    def pick_username(self) -> str:
        return "analyst"

    @task
    def overview(self):
        self.client.get("/overview/", name="overview")


class ExportUser(Person):
    """One person downloading every customer of the organisation, once."""

    fixed_count = 1
    wait_time = constant(3600)

    def pick_username(self) -> str:
        return "analyst"

    @task
    def export(self):
        # Timed to the last byte: locust's own clock stops when a streamed answer starts.
        started, size, failure = time.perf_counter(), 0, None
        try:
            with self.client.get(
                "/exports/customers/?format=csv", name="large export (headers)", stream=True, catch_response=True
            ) as response:
                for chunk in response.iter_content(chunk_size=65536):
                    size += len(chunk)
                response.success()
                if response.status_code != 200:
                    failure = RuntimeError(f"status {response.status_code}")
        except Exception as error:  # the download broke off
            failure = error
        self.environment.events.request.fire(
            request_type="GET", name="large export", response_time=(time.perf_counter() - started) * 1000,
            response_length=size, exception=failure, context={},
        )  # fmt: skip


class LoginStormUser(Person):
    """Someone signing in over and over (with a wrong password one time in five). Exactly
    PACEKEEPER_LOAD_STORM_USERS of them, whatever the phase's number of users: the people at
    work stay as many as in the quiet phase."""

    fixed_count = int(os.environ.get("PACEKEEPER_LOAD_STORM_USERS", "4"))

    def on_start(self):
        pass

    @task
    def storm(self):
        username = f"am{random.randint(1, MANAGERS):04d}"
        # Each attempt starts signed out. Not by signing out, which would end that person's other
        # sessions (the measured users' among them): by forgetting the cookies. (Kept, they made
        # the login page send a signed-in storm to its My day page, a page load the storm is not.)
        self.client.cookies.clear()
        if random.random() < 0.2:
            self.sign_in(username, name="storm: wrong password", password="wrong", tries=1)
            return
        # Refused (busy), the storm does not wait: its next attempt follows at once.
        self.sign_in(username, name="storm: sign in", tries=1)


class TrivialUser(HttpUser):
    """The yardstick: a JSON view doing nothing, behind the same middleware."""

    wait_time = constant(0)

    @task
    def health(self):
        self.client.get("/health/", name="trivial")
