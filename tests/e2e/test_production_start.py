"""Each service starts as production would, from an image-like venv with the deploy files' environment, to
/readyz; and the same start with a placeholder token, no Twilio, or an http public URL exits naming the setting.

Only what cannot come from the deploy files is overridden: the test stack's Kafka and PostgreSQL, a private topic
prefix, schema, consumer group and port (so runs can share the machine), and Twilio's API address (the local fake).
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import unique
from iop_devkit.testing.ports import free_port

pytestmark = pytest.mark.e2e
SERVICES = ("scheduler", "notifier", "attendance", "dashboard")
SOURCES = ("kubernetes", "compose")
PREFIX = f"prod-{uuid.uuid4().hex[:8]}."


def overrides(service: str, kafka: str, database: str, schema: str, group: str, port: int) -> dict[str, str]:
    p = service.upper()
    return {"KAFKA_BOOTSTRAP_SERVERS": kafka, "DATABASE_URL": database, "IOP_TOPIC_PREFIX": PREFIX,
            f"{p}_HTTP_HOST": "127.0.0.1", f"{p}_HTTP_PORT": str(port), f"{p}_DB_SCHEMA": schema,
            f"{p}_GROUP_ID": group}


@pytest.fixture(scope="session")
def production_topics(deploy: SimpleNamespace, image_venvs: dict[str, Path], kafka_bootstrap: str,
                      database_url: str) -> str:
    """Compose's `topics` step, run in its image's venv, creates this session's prefixed topics."""
    step = deploy.compose_service("topics")
    service = step["build"]["args"]["SERVICE"]
    env = {**deploy.image_env(service, image_venvs[service]), **deploy.compose_env("topics"),
           "IOP_TOPIC_PREFIX": PREFIX, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url}
    subprocess.run(step["command"], env=env, check=True, capture_output=True, timeout=120)
    return PREFIX


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


async def _ready(proc: asyncio.subprocess.Process, url: str, log: Path, within: float = 90) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() - started < within:
            assert proc.returncode is None, f"exited {proc.returncode}: {_tail(log)}"
            try:
                if (await client.get(url)).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.25)
    raise AssertionError(f"{url} never answered 200: {_tail(log)}")


async def _stop(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), 20)
    except TimeoutError:
        proc.kill()
        await proc.wait()


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_starts_as_production_to_readyz(
        service: str, source: str, deploy: SimpleNamespace, image_venvs: dict[str, Path], production_topics: str,
        kafka_bootstrap: str, database_url: str, pg_schema: str, group_id: str, tmp_path: Path) -> None:
    twilio = deploy.secret_values()["iop-notifier-twilio"]
    async with TwilioFake(twilio["account-sid"], twilio["auth-token"]) as fake:
        port = free_port()
        deployed = getattr(deploy, f"{source}_env")(service)
        site = next((image_venvs[service] / "lib").glob("python3*/site-packages"))
        assert not [p.name for p in site.iterdir() if p.name.split("-")[0] in ("pytest", "hypothesis", "_pytest")]
        assert deployed["IOP_ENVIRONMENT"] == "production"
        env = {**deploy.image_env(service, image_venvs[service]), **deployed,
               **overrides(service, kafka_bootstrap, database_url, pg_schema, group_id, port)}
        if service == "notifier":
            assert env["NOTIFIER_PUBLIC_BASE_URL"].startswith("https://")
            env["NOTIFIER_TWILIO_API_BASE_URL"] = fake.base_url
        if source == "compose":  # compose migrates in the service's own image before starting it
            migrate = deploy.compose_service(f"{service}-migrate")
            assert migrate["build"]["args"]["SERVICE"] == service
            done = await asyncio.to_thread(subprocess.run, migrate["command"], env=env,
                                           capture_output=True, timeout=120)
            assert done.returncode == 0, done.stderr.decode()[-3000:]
        log = tmp_path / f"{service}.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(*deploy.image_command(service), env=env, stdout=out,
                                                        stderr=asyncio.subprocess.STDOUT)
        try:
            seconds = await _ready(proc, f"http://127.0.0.1:{port}/readyz", log)
            print(f"{service} ({source}) ready in {seconds:.1f}s")
            if service == "notifier":  # the recorded-not-sent channel's routes do not exist in production
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
                    inbound = await client.post("/embedded/inbound", json={"phone": "+15555550123", "text": "1"},
                                                headers={"Authorization": "Bearer dev-token"})
                    listed = await client.get("/embedded/messages", params={"recipient_id": "p1"},
                                              headers={"Authorization": "Bearer dev-token"})
                assert (inbound.status_code, listed.status_code) == (404, 404)
        finally:
            await _stop(proc)
        if service == "notifier":  # real providers, never the recorded-not-sent channel
            started = next(line for line in log.read_text().splitlines() if "notifier_started" in line)
            assert "TwilioSms" in started and "Embedded" not in started, started  # the email key is redacted


def _placeholder_clinic(variable: str) -> Callable[[dict[str, str]], None]:
    def change(env: dict[str, str]) -> None:
        env[variable] = json.dumps({**json.loads(env[variable]), "clinic-west": "changeme"})
    return change


def _without(*names: str) -> Callable[[dict[str, str]], None]:
    def change(env: dict[str, str]) -> None:
        for name in names:
            env.pop(name, None)
    return change


def _setting(name: str, value: str) -> Callable[[dict[str, str]], None]:
    return lambda env: env.__setitem__(name, value)


REFUSALS = [
    ("scheduler", _placeholder_clinic("SCHEDULER_CLINIC_TOKENS"), "SCHEDULER_CLINIC_TOKENS (clinic 'clinic-west')",
     "changeme"),
    ("attendance", _placeholder_clinic("ATTENDANCE_API_TOKENS"), "ATTENDANCE_API_TOKENS (clinic 'clinic-west')",
     "changeme"),
    ("dashboard", _setting("DASHBOARD_ATTENDANCE_TOKEN", "dev-token"), "DASHBOARD_ATTENDANCE_TOKEN", "dev-token"),
    ("notifier", _without("NOTIFIER_TWILIO_ACCOUNT_SID", "NOTIFIER_TWILIO_AUTH_TOKEN",
                          "NOTIFIER_TWILIO_MESSAGING_SERVICE_SID"), "NOTIFIER_TWILIO_ACCOUNT_SID", None),
    ("notifier", _setting("NOTIFIER_PUBLIC_BASE_URL", "http://notifier.clinic-network.test"),
     "NOTIFIER_PUBLIC_BASE_URL", "http://notifier.clinic-network.test"),
    ("notifier", _setting("NOTIFIER_ADMIN_TOKEN", "short"), "NOTIFIER_ADMIN_TOKEN", None),
    ("scheduler", _without("IOP_ENVIRONMENT"), "IOP_ENVIRONMENT is not set", None),
]


@pytest.mark.parametrize(("service", "change", "named", "secret"), REFUSALS,
                         ids=[f"{r[0]}-{r[2].split()[0].lower()}" for r in REFUSALS])
async def test_an_unsafe_production_start_exits_naming_the_setting(
        service: str, change: Callable[[dict[str, str]], None], named: str, secret: str | None,
        deploy: SimpleNamespace, image_venvs: dict[str, Path], kafka_bootstrap: str, database_url: str) -> None:
    env = {**deploy.image_env(service, image_venvs[service]), **deploy.kubernetes_env(service),
           **overrides(service, kafka_bootstrap, database_url, f"never_{uuid.uuid4().hex[:8]}", unique("never"),
                     free_port())}
    change(env)
    done = await asyncio.to_thread(subprocess.run, deploy.image_command(service), env=env,
                                   capture_output=True, timeout=60)
    stderr = done.stderr.decode()
    assert done.returncode != 0 and named in stderr, stderr[-2000:]
    assert "Traceback" not in stderr, "a refusal is one clear line, not a stack trace"
    if secret:
        assert secret not in stderr + done.stdout.decode()
