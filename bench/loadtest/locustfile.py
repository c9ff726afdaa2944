"""The load of issue 18: integrators posting JSON batches of 1,000 readings, each to its own building and each
batch continuing the last in time (so every reading is stored), and portal users reading their dashboards and
the savings API. `bench/loadtest/run.py` seeds the database and writes the plan this file reads (LOADTEST_PLAN)."""

import json
import os
import time
from datetime import datetime, timedelta
from itertools import count

from locust import HttpUser, between, constant_pacing, events, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"]).read())  # noqa: SIM115 - read once at start-up
BATCH = 1000
STEP = timedelta(minutes=15)
_integrators, _portal_users = count(), count()
_first_integrator_start: dict[str, float] = {}
_sent = {"rows": 0}


@events.quitting.add_listener
def _write_results(environment, **_):
    """The final figures, once every user has stopped: per endpoint the requests, failures and percentiles (ms), and
    the readings sent in the batches the server answered (whatever the answer; --stop-timeout lets every batch
    under way at the end be answered)."""
    endpoints = {
        name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            **{f"p{q}": entry.get_response_time_percentile(q / 100) for q in (50, 95, 99)},
        }
        for (name, _method), entry in environment.stats.entries.items()
    }
    with open(os.environ["LOADTEST_RESULTS"], "w") as results:
        json.dump({"endpoints": endpoints, "rows_sent": _sent["rows"]}, results)


PACING = float(os.environ.get("LOADTEST_BATCH_SECONDS", "10"))


class Integrator(HttpUser):
    fixed_count = len(PLAN["integrators"])
    wait_time = constant_pacing(PACING)

    def on_start(self):
        n = next(_integrators)
        me = PLAN["integrators"][n]
        # Independent integrators post at independent moments: their first batches are spread evenly over one
        # pacing period from the first integrator's start (constant pacing keeps them so). Started as Locust spawns
        # them (10 a second), every batch of the run would arrive in the same five seconds of each period.
        first_start = _first_integrator_start.setdefault("at", time.monotonic())
        time.sleep(max(0.0, first_start + n * PACING / self.fixed_count - time.monotonic()))
        self.building_id = me["building_id"]
        self.client.headers["Authorization"] = f"Bearer {me['token']}"
        self.next_reading = datetime.fromisoformat(PLAN["batch_start"])
        self.kwh = [round(10 + 5 * ((i * 7) % 11) / 11, 3) for i in range(BATCH)]

    @task
    def post_batch(self):
        readings = [
            {"timestamp": (self.next_reading + i * STEP).isoformat(), "kwh": kwh} for i, kwh in enumerate(self.kwh)
        ]
        self.next_reading += BATCH * STEP
        body = {"building_id": self.building_id, "readings": readings}
        with self.client.post(
            "/meter/readings", json=body, name="POST /meter/readings (1,000 readings)", catch_response=True
        ) as response:
            _sent["rows"] += len(readings)  # answered, whatever the answer: the server had the whole batch
            if response.status_code != 202 or response.json() != {
                "status": "accepted",
                "accepted": BATCH,
                "inserted": BATCH,
                "updated": 0,
            }:
                response.failure(f"{response.status_code}: {response.text[:300]}")


class PortalUser(HttpUser):
    fixed_count = len(PLAN["portal"])
    wait_time = between(1, 3)

    def on_start(self):
        me = PLAN["portal"][next(_portal_users)]
        self.building_id = me["building_id"]
        self.cookies: dict[str, str] = {}
        self._login(me["email"], me["password"])

    def _keep_cookies(self, response):
        # With DEBUG off the session and CSRF cookies are Secure: on plain-HTTP loopback the client would never send
        # them back, so this user sends them itself.
        self.cookies.update(response.cookies.items())
        self.client.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _login(self, email: str, password: str):
        page = self.client.get("/portal/login/", name="GET /portal/login/")
        self._keep_cookies(page)
        form = {"username": email, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        with self.client.post(
            "/portal/login/", data=form, name="POST /portal/login/", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"portal login answered {response.status_code}")
            self._keep_cookies(response)
        tokens = self.client.post("/auth/login", json={"email": email, "password": password}, name="POST /auth/login")
        self.token = tokens.json()["access_token"]

    @task(2)
    def dashboard(self):
        with self.client.get(
            f"/portal/buildings/{self.building_id}/",
            name="GET /portal/buildings/{id}/ (dashboard)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or b"<dt>Savings</dt>" not in response.content:
                response.failure(f"dashboard answered {response.status_code}")

    @task(1)
    def savings(self):
        self.client.get(
            f"/mrv/{self.building_id}/savings?start={PLAN['savings']['start']}&end={PLAN['savings']['end']}",
            headers={"Authorization": f"Bearer {self.token}"},
            name="GET /mrv/{id}/savings",
        )
