"""`iopctl send-test` through a running notifier: a neutral message reaches Twilio and SMTP; no token, no send."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from typer.testing import CliRunner

from iop_ctl.main import app as iopctl
from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.smtp import SmtpCapture
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import eventually
from iop_notifier.handlers.test_message import TEST_TEXT
from iop_notifier.settings import Settings

pytestmark = pytest.mark.integration


async def test_operator_test_message_goes_out_on_both_channels(
        topics: str, twilio: TwilioFake, smtp: SmtpCapture, make_settings: Callable[..., Settings],
        monkeypatch: pytest.MonkeyPatch) -> None:
    phone = b.phone()
    async with run_notifier(make_settings(admin_token="operator-token-123")) as svc:
        async with httpx.AsyncClient(base_url=svc.base_url) as http:
            refused = await http.post("/v1/test-messages", json={"channel": "sms", "to": phone})
            bad = await http.post("/v1/test-messages", json={"channel": "sms", "to": "12345"},
                                  headers={"Authorization": "Bearer operator-token-123"})
        assert refused.status_code == 401 and twilio.to(phone) == []
        assert bad.status_code == 422 and "phone" in bad.text

        monkeypatch.setenv("IOPCTL_NOTIFIER_URL", svc.base_url)
        monkeypatch.setenv("IOPCTL_NOTIFIER_ADMIN_TOKEN", "operator-token-123")
        runner = CliRunner()
        for channel, to in (("sms", phone), ("email", "ops@clinic.example")):
            result = await asyncio.to_thread(lambda c=channel, t=to: runner.invoke(
                iopctl, ["send-test", "--channel", c, "--to", t]))
            assert result.exit_code == 0, result.output
        await eventually(lambda: [m.body for m in twilio.to(phone)] == [TEST_TEXT])
        await eventually(lambda: len(smtp.to("ops@clinic.example")) == 1)
