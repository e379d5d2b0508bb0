"""Pure checks of the shared limits: bearer parsing, the body bound's header reading, sealed dead letters, keys."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from fastapi import HTTPException
from pydantic import SecretStr

from iop_attendance.settings import Settings as AttendanceSettings
from iop_devkit.testing.records import FakeRecord
from iop_shared.bearer import match_token, presented_token
from iop_shared.deadletter import DeadLetterPublisher
from iop_shared.deadletter_crypto import MISSING_KEY, LetterCipher, check_deadletter_key, cipher_for, opened
from iop_shared.http_limits import declared_length
from iop_shared.safety import load_settings

pytestmark = pytest.mark.unit
PHONE = b"+15550100999"


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic abc", "abc", "Bearer a b", "Bearer \u00e9\u00e9",
                                    "Bearer \u00b2"])
def test_malformed_or_undecodable_headers_present_no_token(header: str | None) -> None:
    # "\u00e9\u00e9" is how a server hands over the bytes 0xE9 0xE9: not UTF-8.
    assert presented_token(header) is None
    with pytest.raises(HTTPException) as refused:
        match_token(header, [("secret-token", "clinic-a")])
    assert refused.value.status_code == 401 and refused.value.headers == {"WWW-Authenticate": "Bearer"}


def test_tokens_compare_as_utf8_bytes_and_name_their_clinic() -> None:
    latin1_of_utf8 = "tök".encode().decode("latin-1")  # a UTF-8 token as the ASGI server passes it on
    tokens = [("tok-a", "clinic-a"), ("tök", "clinic-b")]
    assert match_token("Bearer tok-a", tokens) == "clinic-a"
    assert match_token("bearer " + latin1_of_utf8, tokens) == "clinic-b"
    with pytest.raises(HTTPException):
        match_token("Bearer tok-", tokens)


@pytest.mark.parametrize(("headers", "expected"), [([(b"content-length", b"12")], 12), ([], None),
                                                   ([(b"content-length", "\u00b2".encode())], None)])
def test_declared_length_reads_only_plain_numbers(headers: list[tuple[bytes, bytes]], expected: int | None) -> None:
    assert declared_length({"type": "http", "headers": headers}) == expected


def _record(value: bytes) -> FakeRecord:
    return FakeRecord(value, topic="iop.patients.v1", offset=3, key=b"p-1",
                      headers=[("ce_id", b"e-1"), ("x-to", PHONE)])


def test_a_sealed_letter_holds_no_value_or_extra_header_in_clear_and_opens_with_the_key() -> None:
    cipher = LetterCipher(Fernet.generate_key())
    value = b'{"phone": "' + PHONE + b'"}'
    publisher = DeadLetterPublisher(None, "t", cipher=cipher)
    letter = publisher.letter(_record(value), "bad", 900_000)
    assert letter.value_encrypted and PHONE.decode() not in letter.model_dump_json()
    assert letter.headers == {"ce_id": "e-1"} and letter.value_sha256 is None
    assert opened(letter, cipher) == (value, {"ce_id": "e-1", "x-to": PHONE.decode()})
    with pytest.raises(ValueError, match="cannot be decrypted"):
        opened(letter, LetterCipher(Fernet.generate_key()))
    with pytest.raises(ValueError, match="IOP_DEADLETTER_KEY"):
        opened(letter, None)


def test_a_sealed_letter_past_the_size_limit_is_cut_and_still_fits() -> None:
    cipher = LetterCipher(Fernet.generate_key())
    letter = DeadLetterPublisher(None, "t", cipher=cipher).letter(
        _record(b"x" * 2_000_000), "bad", 900_000)
    assert letter.truncated and letter.original_size == 2_000_000
    assert len(letter.model_dump_json(exclude_none=True)) <= 900_000
    assert set(opened(letter, cipher)[0]) == {ord("x")}


def test_production_needs_a_real_fernet_key() -> None:
    with pytest.raises(ValueError, match="IOP_DEADLETTER_KEY is missing"):
        cipher_for(None, "production")
    with pytest.raises(ValueError, match="not a Fernet key") as bad:
        check_deadletter_key(SecretStr("not-a-key-at-all"), "production")
    assert "not-a-key-at-all" not in str(bad.value)
    key = Fernet.generate_key().decode()
    check_deadletter_key(SecretStr(key), "production")
    assert cipher_for(SecretStr(key), "production").open(LetterCipher(key).seal(b"x")) == b"x"


def test_a_production_service_without_the_key_refuses_to_start_naming_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("IOP_DEADLETTER_KEY", raising=False)
    with pytest.raises(SystemExit) as refused:
        load_settings(AttendanceSettings, IOP_ENVIRONMENT="production",
                      api_tokens={"clinic-a": "att-K8v3pX2mZq7wLr4n"})
    assert refused.value.code == 2
    assert capsys.readouterr().err.strip() == f"refusing to start: {MISSING_KEY}"
    key = Fernet.generate_key().decode()
    assert load_settings(AttendanceSettings, IOP_ENVIRONMENT="production", IOP_DEADLETTER_KEY=key,
                         api_tokens={"clinic-a": "att-K8v3pX2mZq7wLr4n"}).deadletter_key is not None
