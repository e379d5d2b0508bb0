"""Twilio webhooks over real HTTP: bounded, urlencoded only, signature checked before any field is used."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from starlette.requests import Request

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_notifier.entrypoints import webhook_form
from iop_notifier.settings import Settings

pytestmark = pytest.mark.integration
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every form parse: Starlette's (multipart spooling included) and the webhook's own."""
    calls: list[str] = []
    real_form = Request.form

    def form(self: Request, *args: Any, **kwargs: Any) -> Any:
        calls.append("starlette")
        return real_form(self, *args, **kwargs)

    def parse(*args: Any, **kwargs: Any) -> Any:
        calls.append("parse_qsl")
        return parse_qsl(*args, **kwargs)

    monkeypatch.setattr(Request, "form", form)
    monkeypatch.setattr(webhook_form, "parse_qsl", parse)  # the name signed_form calls
    return calls


@pytest.fixture
async def base(topics: str, make_settings: Callable[..., Settings]) -> AsyncIterator[str]:
    async with run_notifier(make_settings()) as svc:
        yield svc.base_url


async def test_a_one_megabyte_form_is_refused_before_parsing(base: str, twilio: TwilioFake,
                                                             parsing: list[str]) -> None:
    url = f"{base}/twilio/inbound"
    fields = {"From": b.phone(), "Body": "x" * 1_000_000, "MessageSid": "SM1"}
    headers = {**FORM, "X-Twilio-Signature": twilio.sign(url, fields)}  # even correctly signed
    async with httpx.AsyncClient(timeout=10) as http:
        started = time.monotonic()
        declared = await http.post(url, content=urlencode(fields), headers=headers)
        chunked = await http.post(url, content=_chunks(urlencode(fields).encode()), headers=headers)
        elapsed = time.monotonic() - started
    assert declared.status_code == 413 and chunked.status_code == 413, (declared.text, chunked.text)
    assert "bytes" in declared.json()["detail"]
    assert parsing == [] and elapsed < 5


async def test_multipart_and_other_types_are_refused_unparsed(base: str, twilio: TwilioFake,
                                                             parsing: list[str]) -> None:
    url = f"{base}/twilio/status"
    async with httpx.AsyncClient(timeout=10) as http:
        multipart = await http.post(url, files={"upload": ("big.bin", b"\0" * 200_000)},
                                    data={"MessageSid": "SM1", "MessageStatus": "failed"})
        as_json = await http.post(url, json={"MessageSid": "SM1", "MessageStatus": "failed"})
    assert multipart.status_code == 415 and as_json.status_code == 415
    assert parsing == []


async def test_forged_signature_and_repeated_fields_are_refused(base: str, twilio: TwilioFake,
                                                               parsing: list[str]) -> None:
    url, phone = f"{base}/twilio/inbound", b.phone()
    fields = {"From": phone, "Body": "STOP", "MessageSid": "SM2"}
    async with httpx.AsyncClient(timeout=10) as http:
        forged = await http.post(url, content=urlencode(fields), headers={**FORM, "X-Twilio-Signature": "Zm9yZ2Vk"})
        # Signed fields, plus a second From the signature check would not see in a dict.
        smuggled = urlencode(fields) + "&" + urlencode({"From": b.phone()})
        repeated = await http.post(url, content=smuggled, headers={**FORM,
                                                                   "X-Twilio-Signature": twilio.sign(url, fields)})
        many = urlencode({f"F{i}": "1" for i in range(500)})
        too_many = await http.post(url, content=many, headers={**FORM, "X-Twilio-Signature": "x"})
    assert forged.status_code == 403 and repeated.status_code == 403 and too_many.status_code == 400
    assert phone not in forged.text + repeated.text
    assert parsing.count("starlette") == 0


async def test_a_signed_form_reaches_the_handler_which_names_missing_fields(
        base: str, twilio: TwilioFake, parsing: list[str]) -> None:
    status = await twilio._post(f"{base}/twilio/status", {"MessageSid": "SMnone", "MessageStatus": "delivered"},
                                "tok-1")
    assert status.status_code == 200, status.text
    phone = b.phone()
    missing = await twilio._post(f"{base}/twilio/inbound", {"From": phone, "MessageSid": "SM3"}, "tok-2")
    assert missing.status_code == 422 and phone not in missing.text
    assert missing.json()["detail"] == [{"loc": ["body", "Body"], "msg": "Field required", "type": "missing"}]
    assert parsing == ["parse_qsl", "parse_qsl"]


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for i in range(0, len(body), 16_384):
        yield body[i:i + 16_384]
