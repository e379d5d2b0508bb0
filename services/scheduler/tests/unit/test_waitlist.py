"""Waitlist backfill, pure part: when a seat is released, how many are open, and the ids and expiries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from iop_scheduler.domain.waitlist import offer_expiry, offer_id, open_seats, seat_released, waitlist_slot_id

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)


def test_a_seat_is_released_only_when_someone_leaves_a_session_left_with_room() -> None:
    assert seat_released(["p1", "p2"], ["p1"], 2)
    assert not seat_released(["p1", "p2"], ["p1", "p3"], 2)  # replaced: no room
    assert not seat_released([], ["p1"], 2)  # a new session releases nothing
    assert not seat_released(["p1", "p2"], ["p1"], None)  # no capacity: no waitlist flow
    assert not seat_released(["p1", "p2", "p3"], ["p1", "p2"], 2)  # overbooked still full


def test_open_seats_count_each_patient_once_and_never_go_negative() -> None:
    assert open_seats(3, ["p1", "p1"]) == 2
    assert open_seats(1, ["p1", "p2"]) == 0
    assert open_seats(None, []) == 0


def test_slot_and_offer_ids_are_stable_and_fit_an_entity_id() -> None:
    assert waitlist_slot_id("ses-1") == "wl-ses-1"
    long = waitlist_slot_id("s" * 128)
    assert len(long) <= 128 and long == waitlist_slot_id("s" * 128) and long != waitlist_slot_id("t" * 128)
    assert offer_id("wl-ses-1", "p1", NOW) == offer_id("wl-ses-1", "p1", NOW)
    assert offer_id("wl-ses-1", "p1", NOW) != offer_id("wl-ses-1", "p2", NOW)
    assert offer_id("wl-ses-1", "p1", NOW) != offer_id("wl-ses-1", "p1", NOW + timedelta(seconds=1))


def test_an_offer_ends_before_the_clinic_can_no_longer_confirm() -> None:
    lead, ttl = timedelta(hours=2), timedelta(hours=24)
    assert offer_expiry(NOW, NOW + timedelta(days=3), ttl, lead) == NOW + ttl
    assert offer_expiry(NOW, NOW + timedelta(hours=5), ttl, lead) == NOW + timedelta(hours=3)
    assert offer_expiry(NOW, NOW + timedelta(hours=1), ttl, lead) is None
