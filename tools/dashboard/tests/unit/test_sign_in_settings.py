import json
from typing import Any

import pytest
from pydantic import ValidationError

from iop_dashboard.domain.users import clinics_from_claims, password_matches, token_matches, user_id_from_subject
from iop_dashboard.settings import Settings

USERS = json.dumps({"nurse-1": {"password": "a-real-password", "clinics": ["clinic-1"]}})
OIDC = {"DASHBOARD_OIDC_ISSUER": "https://id.example.org/realms/iop", "DASHBOARD_OIDC_CLIENT_ID": "dashboard",
        "DASHBOARD_OIDC_CLIENT_SECRET": "a-real-client-secret", "DASHBOARD_SESSION_SECRET": "a-real-session-key-0123",
        "DASHBOARD_ATTENDANCE_TOKEN": "a-real-attendance-token", "DASHBOARD_NOTIFIER_TOKEN": "a-real-notifier-token"}


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


@pytest.mark.unit
def test_development_users_are_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as refused:
        settings(monkeypatch, IOP_ENVIRONMENT="production", DASHBOARD_DEV_USERS=USERS, **OIDC)
    assert "dev_users" in str(refused.value) and "refused outside development" in str(refused.value)
    assert "a-real-password" not in str(refused.value.errors(include_input=False))


@pytest.mark.unit
@pytest.mark.parametrize("missing", ["DASHBOARD_OIDC_ISSUER", "DASHBOARD_OIDC_CLIENT_ID",
                                     "DASHBOARD_OIDC_CLIENT_SECRET"])
def test_production_requires_oidc(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    env = {k: v for k, v in OIDC.items() if k != missing}
    with pytest.raises(ValidationError, match="required in production"):
        settings(monkeypatch, IOP_ENVIRONMENT="production", **env)


@pytest.mark.unit
@pytest.mark.parametrize("key", ["", "changeme", "dev-token"])
def test_a_placeholder_session_secret_is_refused_outside_development(monkeypatch: pytest.MonkeyPatch,
                                                                      key: str) -> None:
    with pytest.raises(ValidationError, match=r"(?i)session_secret"):
        settings(monkeypatch, IOP_ENVIRONMENT="production", **{**OIDC, "DASHBOARD_SESSION_SECRET": key})


@pytest.mark.unit
def test_production_with_oidc_and_development_with_users_start(monkeypatch: pytest.MonkeyPatch) -> None:
    prod = settings(monkeypatch, IOP_ENVIRONMENT="production", **OIDC)
    assert prod.uses_oidc and prod.cookie_secure and prod.oidc_clinics_claim == "iop_clinics"
    monkeypatch.delenv("DASHBOARD_OIDC_ISSUER")
    dev = settings(monkeypatch, IOP_ENVIRONMENT="development", DASHBOARD_DEV_USERS=USERS,
                   DASHBOARD_SESSION_SECRET="")
    assert not dev.uses_oidc and not dev.cookie_secure and dev.dev_users["nurse-1"].clinics == ("clinic-1",)
    assert dev.session_key() != dev.session_key()  # a random key when none is set (development only)


@pytest.mark.unit
def test_passwords_and_tokens_compare_exactly() -> None:
    assert password_matches("pw", "pw") and not password_matches("pw ", "pw") and not password_matches("pw", None)
    assert token_matches("t" * 43, "t" * 43) and not token_matches("", "") and not token_matches(None, "t")


@pytest.mark.unit
@pytest.mark.parametrize(("claim", "clinics"), [
    (["clinic-2", "clinic-1", "clinic-1"], ("clinic-1", "clinic-2")), ("clinic-1 clinic-2", ("clinic-1", "clinic-2")),
    ("clinic-1,clinic-3", ("clinic-1", "clinic-3")), (None, ()), (7, ()), ([7, "clinic-4"], ("clinic-4",))])
def test_the_clinics_claim(claim: Any, clinics: tuple[str, ...]) -> None:
    assert clinics_from_claims({"iop_clinics": claim}, "iop_clinics") == clinics


@pytest.mark.unit
def test_production_requires_the_notifier_token(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match=r"(?i)notifier_token"):
        settings(monkeypatch, IOP_ENVIRONMENT="production", **{**OIDC, "DASHBOARD_NOTIFIER_TOKEN": ""})


@pytest.mark.unit
def test_the_recorded_user_id_is_the_subject_or_a_stable_digest_of_it() -> None:
    assert user_id_from_subject("u-4711") == "u-4711"
    odd = user_id_from_subject("auth0|5f7c8ec7c33c6c004bbafe82")
    assert odd.startswith("sub:") and odd == user_id_from_subject("auth0|5f7c8ec7c33c6c004bbafe82")
    assert odd != user_id_from_subject("auth0|5f7c8ec7c33c6c004bbafe83") and len(odd) <= 128


@pytest.mark.unit
def test_the_session_cookie_is_secure_in_production_and_behind_https(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, IOP_ENVIRONMENT="production", DASHBOARD_PUBLIC_URL="https://dash.clinic.example",
                    **OIDC).cookie_secure
    monkeypatch.delenv("DASHBOARD_PUBLIC_URL")
    assert not settings(monkeypatch, IOP_ENVIRONMENT="development").cookie_secure  # the demo runs on plain http
    assert settings(monkeypatch, IOP_ENVIRONMENT="development", DASHBOARD_PUBLIC_URL="https://dash.dev").cookie_secure
