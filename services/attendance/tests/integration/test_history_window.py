"""Histories loaded bounded (domain.window) give every rule the same findings as whole histories."""

import asyncio
import json
import random
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from iop_attendance.adapters.risk_repository import histories_and_flags
from iop_attendance.bootstrap import MIGRATIONS
from iop_attendance.domain.rules import evaluate
from iop_attendance.domain.ruleset import RuleSet, parse
from iop_attendance.domain.window import VisitWindow, visit_window
from iop_shared.db import migrate

pytestmark = pytest.mark.integration

STATUSES = [None, "present", "present", "present", "late", "left_early", "absent", "excused"]
ZONES = ["UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham"]
NOW = datetime(2026, 3, 12, 18, 30, tzinfo=UTC)  # a Thursday, a week after a DST change in New York


async def seed(conn: asyncpg.Connection, rng: random.Random, patients: int) -> list[str]:
    """Patients with random histories: gaps, walk-ins, pending, excused, missed and attended visits."""
    ids = [f"hw{i}" for i in range(patients)]
    await conn.executemany(
        "INSERT INTO patients (patient_id, clinic_id, timezone, revision) VALUES ($1, 'clinic-1', $2, 1)",
        [(p, rng.choice(ZONES)) for p in ids])
    rows = []
    for p in ids:
        at = NOW - timedelta(days=rng.randrange(20, 110))
        drops_out = rng.randrange(45) if rng.random() < 0.3 else 45  # long runs of misses from there on
        for n in range(rng.randrange(0, 45)):
            at += timedelta(hours=rng.choice([20, 44, 48, 70, 170, 400]))
            status = rng.choice(STATUSES) if n < drops_out else rng.choice([None, "absent", "absent", "excused"])
            expected = rng.random() > 0.1
            missed = expected and status in (None, "absent") and (n >= drops_out or rng.random() > 0.3)
            hours = rng.choice([0, 1, 3, 3, 3])
            rows.append((f"{p}-s{n}", p, at, at + timedelta(hours=hours), expected, status,
                         f"mv-{p}-{n}" if missed else None, f"me-{p}-{n}" if missed else None))
    await conn.executemany(
        "INSERT INTO visits (session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,"
        " missed_visit_id, missed_event_id) VALUES ($1, $2, 'prog', 'group', $3, $4, $3, $5, $6, $7, $8)", rows)
    return ids


def variant(rules: RuleSet, rng: random.Random) -> RuleSet:
    """The rule set with other parameters for the visit rules."""
    text = rules.model_dump(mode="json")
    for rule in text["rules"]:
        params = rule["params"]
        if params["kind"] == "early_no_show":
            params["before_attended"] = rng.randrange(1, 6)
        elif params["kind"] == "consecutive_misses":
            params["count"] = rng.randrange(1, 5)
        elif params["kind"] == "misses_in_last":
            params["of_last"] = rng.randrange(1, 12)
            params["missed"] = rng.randrange(1, params["of_last"] + 1)
        elif params["kind"] == "hours_below_minimum":
            params["weeks"] = rng.randrange(1, 4)
    return parse(json.dumps(text))


async def test_windowed_histories_find_what_whole_histories_find(
        database_url: str, pg_schema: str, rules: RuleSet) -> None:
    await asyncio.to_thread(migrate, database_url, pg_schema, MIGRATIONS)
    conn = await asyncpg.connect(database_url, server_settings={"search_path": pg_schema})
    try:
        rng = random.Random(14)
        ids = await seed(conn, rng, 300)
        loaded = whole_visits = 0
        for rule_set in [rules, *(variant(rules, rng) for _ in range(4))]:
            window = visit_window(rule_set)
            assert not window.whole
            for now in (NOW, NOW + timedelta(days=3, hours=7)):
                whole = await histories_and_flags(conn, ids, now, VisitWindow(whole=True))
                bounded = await histories_and_flags(conn, ids, now, window)
                for p in ids:
                    assert evaluate(rule_set, bounded[p][0], now) == evaluate(rule_set, whole[p][0], now), p
                    loaded += len(bounded[p][0].visits)
                    whole_visits += len(whole[p][0].visits)
        assert loaded < whole_visits
        # A patient attending three sessions a week for 12 weeks: the default rules read a few weeks of it.
        await conn.executemany(
            "INSERT INTO visits (session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected,"
            " status) VALUES ($1, 'hw0', 'prog', 'group', $2, $3, $2, true, 'present')",
            [(f"dense-{n}", at, at + timedelta(hours=3))
             for n in range(36) for at in [NOW - timedelta(days=84 - n // 3 * 7 - n % 3 * 2)]])
        dense = (await histories_and_flags(conn, ["hw0"], NOW, visit_window(rules)))["hw0"][0]
        assert len(dense.visits) < 25
    finally:
        await conn.close()


@pytest.mark.unit
def test_a_rule_kind_the_window_does_not_know_loads_whole_histories(rules: RuleSet) -> None:
    assert visit_window(rules) == VisitWindow(head_attended=3, tail_concluded=10, streak=True, ended_weeks=2)
    unknown = rules.model_copy(update={"rules": (*rules.rules, rules.rules[0].model_copy(
        update={"id": "other", "params": object()}))})
    assert visit_window(unknown).whole
