"""The demo's dashboard sign-in (a development user per clinic) and a look at its triage queue for the summary."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from dataclasses import dataclass

import httpx

from .cast import CLINIC_ID

TRIAGE_KEY = "triage queue on the dashboard (open concerns)"


@dataclass(frozen=True)
class DevUser:
    user_id: str
    password: str
    clinic_id: str


def dev_users() -> list[DevUser]:
    """One staff sign-in per demo clinic, with a fresh password each run."""
    return [DevUser(f"staff-{CLINIC_ID.removeprefix('clinic-')}", secrets.token_urlsafe(12), CLINIC_ID)]


def dashboard_env(users: list[DevUser]) -> dict[str, str]:
    """DASHBOARD_DEV_USERS and a session key for this run."""
    return {"DASHBOARD_DEV_USERS": json.dumps({u.user_id: {"password": u.password, "clinics": [u.clinic_id],
                                                           "name": f"Care team of {u.clinic_id}"} for u in users}),
            "DASHBOARD_SESSION_SECRET": secrets.token_urlsafe(32)}


async def open_concerns(url: str, user: DevUser, run: str, at_least: int, timeout: float = 20.0) -> int:
    """Sign in as `user` and count this run's items in the triage queue, waiting up to `timeout` for `at_least`.

    The demo's schemas and topics outlive a run, so an earlier run's unopened concerns are still queued: only
    this run's patients (their ids carry the run id) count."""
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        form = await http.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        if token is None:
            raise RuntimeError("the dashboard's sign-in form has no CSRF token")
        done = await http.post("/login", data={"username": user.user_id, "password": user.password,
                                               "csrf_token": token[1]})
        if done.status_code != 303:
            raise RuntimeError(f"the dashboard refused the demo's sign-in ({done.status_code})")
        deadline = time.monotonic() + timeout
        while True:
            concerns = (await http.get("/api/overview")).json()["concerns"]
            found = sum(1 for c in concerns if c["patient_id"].startswith(f"p-{run}-"))
            if found >= at_least or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.5)
