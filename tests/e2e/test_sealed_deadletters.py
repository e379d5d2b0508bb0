"""A patient record with contact data that the scheduler (a process) cannot apply: its dead letter is sealed,
`iopctl deadletters list` shows the reason without the value, and `replay` decrypts and republishes it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer
from cryptography.fernet import Fernet
from typer.testing import CliRunner, Result

from iop_ctl.main import app as iopctl
from iop_devkit.scheduler import patient
from iop_devkit.testing.kafka import TopicTail, unique
from iop_devkit.testing.service_processes import run_services
from iop_shared.contracts import encode
from iop_shared.contracts.outbound import DeadLetter
from iop_shared.contracts.topics import DEADLETTER, PATIENTS

pytestmark = pytest.mark.e2e
KEY = Fernet.generate_key().decode()
PHONE, EMAIL, NAME = "+15550176543", "zebulon.q@example.org", "Zebulon"


@pytest.fixture
async def scheduler(kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory,
                    monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    async with run_services(kafka_bootstrap, database_url, ["scheduler"], tmp_path_factory.mktemp("sealed"),
                            {"IOP_DEADLETTER_KEY": KEY}) as (topics, _):
        monkeypatch.setenv("IOP_TOPIC_PREFIX", topics)
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
        yield topics


async def _cli(args: list[str], **env: str) -> Result:
    runner = CliRunner()
    return await asyncio.to_thread(lambda: runner.invoke(iopctl, args, env=env))


async def test_patient_dead_letter_is_sealed_listed_and_replayed(scheduler: str, kafka_bootstrap: str) -> None:
    pid = unique("pt")
    record = encode(patient(pid))
    value = json.dumps({**json.loads(record.value), "phone": PHONE, "email": EMAIL, "preferred_name": NAME,
                        "timezone": "Nowhere/Atlantis"}).encode()  # the bad zone: the scheduler cannot apply it
    headers = [*record.headers, ("x-reply-to", PHONE.encode())]
    async with TopicTail(kafka_bootstrap, DEADLETTER.name) as dlq:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(PATIENTS.name, value, key=pid.encode(), headers=headers)
        finally:
            await producer.stop()
        [letter] = await dlq.wait_for(lambda e: isinstance(e.data, DeadLetter) and e.data.key == pid, timeout=30)
    _, dlq_headers, raw = dlq.raw[0]
    for secret in (PHONE, EMAIL, NAME):
        assert secret not in raw.decode() and secret not in json.dumps(dlq_headers)
    sealed = letter.data
    assert isinstance(sealed, DeadLetter) and sealed.value_encrypted and sealed.headers_sealed
    assert "timezone" in sealed.error and sealed.value_sha256 is None and "x-reply-to" not in sealed.headers

    listed = await _cli(["deadletters", "list"])
    assert listed.exit_code == 0 and "timezone" in listed.output and "1 of 1 sealed" in listed.output, listed.output
    assert PHONE not in listed.output and NAME not in listed.output
    wrong = await _cli(["deadletters", "replay", "--yes"], IOP_DEADLETTER_KEY=Fernet.generate_key().decode())
    assert wrong.exit_code == 1 and "cannot be decrypted" in wrong.output

    async with TopicTail(kafka_bootstrap, PATIENTS.name) as tail:
        replayed = await _cli(["deadletters", "replay", "--yes"], IOP_DEADLETTER_KEY=KEY)
        assert replayed.exit_code == 0 and "replayed 1" in replayed.output, replayed.output
        await tail.settle(3.0)
    assert [(v, h.get("x-reply-to"), h["ce_id"]) for _, h, v in tail.raw] == [
        (value, PHONE, dict(record.headers)["ce_id"].decode())]  # only the replay: the wrong key sent nothing
