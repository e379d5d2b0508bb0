"""An enrolled patient's reminder carries their arm's wording and records the arm; control keeps the default."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import eventually, publish
from iop_notifier.settings import Settings
from iop_shared.experiments import Experiment, assign

pytestmark = pytest.mark.integration
NOTE = "A quick note:"


async def test_each_reminder_carries_and_records_its_arm(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, sid = b.uid("cl"), b.uid("ses")
    now = datetime.now(UTC)
    exp = Experiment.model_validate({
        "experiment_id": "exp-7", "clinic_id": clinic, "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "arms": [{"name": "control", "control": True}, {"name": "note", "template_variant": NOTE}]})
    pids = [b.uid("pt") for _ in range(8)]
    phones = {pid: b.phone() for pid in pids}
    async with run_notifier(make_settings(experiments=[exp], cap_per_day=10)) as svc:
        await publish(kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                      *(b.patient(pid, clinic, phone_number=phones[pid]) for pid in pids),
                      b.session(sid, clinic, pids), *(b.reminder(pid, clinic, [sid]) for pid in pids))
        await eventually(lambda: all(twilio.to(ph) for ph in phones.values()), timeout=30)
        rows = {r["patient_id"]: r["arm"] for r in await svc.deps.pool.fetch("SELECT * FROM experiment_sends")}
    assert rows == {pid: assign(exp, pid).name for pid in pids}
    assert {"control", "note"} == set(rows.values())  # both arms drawn among eight patients
    for pid in pids:
        [sms] = twilio.to(phones[pid])
        assert sms.body.startswith(NOTE) == (rows[pid] == "note"), sms.body
