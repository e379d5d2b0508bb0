from datetime import UTC, datetime

import pytest

from iop_dashboard.handlers.batches import SET_BASED, waves
from iop_devkit.dashboard import attendance, session
from iop_shared.contracts.inbound import AttendanceStatus

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def test_a_key_named_twice_goes_to_a_later_wave_in_the_order_it_came() -> None:
    a1, b, a2, a3 = (session(NOW, ["p-1"], session_id=s, revision=r).data
                     for s, r in (("s-a", 1), ("s-b", 1), ("s-a", 2), ("s-a", 3)))
    key = SET_BASED["iop.session.upserted.v1"][0]
    assert waves([a1, b, a2, a3], key) == [[a1, b], [a2], [a3]]


def test_attendance_is_keyed_by_session_and_patient() -> None:
    records = [attendance("s-1", p, AttendanceStatus.present, NOW).data for p in ("p-1", "p-2", "p-1")]
    key = SET_BASED["iop.attendance.recorded.v1"][0]
    assert [len(w) for w in waves(records, key)] == [2, 1]  # type: ignore[arg-type]
