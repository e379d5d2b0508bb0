"""The notifier's HTTP API: health, metrics, Twilio webhooks and the embedded channel."""

import uuid
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from iop_notifier.adapters.embedded import list_messages
from iop_notifier.adapters.providers import ProviderRejected
from iop_notifier.bootstrap import Notifier, bootstrap
from iop_notifier.entrypoints.concerns import add_concern_routes
from iop_notifier.entrypoints.unavailable import add_unavailable_handler
from iop_notifier.entrypoints.webhook_form import require_fields, signed_form
from iop_notifier.handlers.deps import Deps
from iop_notifier.handlers.replies import receive_reply
from iop_notifier.handlers.test_message import send_test_message
from iop_notifier.handlers.webhooks import apply_status
from iop_notifier.production import drop_development_routes
from iop_notifier.settings import Settings
from iop_shared.bearer import match_token
from iop_shared.clock import Clock
from iop_shared.contracts.common import check_e164
from iop_shared.http_errors import install_http_guards
from iop_shared.logging import get_logger
from iop_shared.operations import database_check, kafka_check, lifespan, operations_router, work_check

from .fhir import router as fhir_router

log = get_logger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class EmbeddedReply(BaseModel):
    """A reply typed into the embedded channel (the demo's stand-in for a phone)."""

    patient_id: str | None = Field(default=None, min_length=1, max_length=128)
    phone: str | None = Field(default=None, min_length=8, max_length=20)
    text: str = Field(min_length=1, max_length=1600)

    @model_validator(mode="after")
    def _someone(self) -> "EmbeddedReply":
        if not (self.patient_id or self.phone):
            raise ValueError("patient_id or phone is required")
        return self


class TestMessage(BaseModel):
    """Where an operator's test message goes."""

    channel: Literal["sms", "email"]
    to: str = Field(min_length=3, max_length=254)

    @field_validator("to")
    @classmethod
    def _address_fits_channel(cls, to: str, info: ValidationInfo) -> str:
        # A field validator, so the 422 names `to` (a model validator would name only the body).
        if info.data.get("channel") == "sms":
            check_e164(to)
        elif "@" not in to:
            raise ValueError("to must be an email address for the email channel")
        return to


def get_deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]


DepsDep = Annotated[Deps, Depends(get_deps)]


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    notifier = bootstrap(settings, clock)

    async def start() -> None:
        app.state.deps = await notifier.start()

    app = FastAPI(title="IOP notifier", version="1.0.0", lifespan=lifespan(start, notifier.stop),
                  description="SMS and email fan-out, replies, crisis answers and care-team alerts.")
    app.state.notifier = notifier

    app.include_router(fhir_router)
    install_http_guards(app, settings.http_max_body_bytes)  # 413 before parsing; 422s without the input

    async def twilio_form(request: Request, signature: str | None) -> dict[str, str]:
        return await signed_form(request, settings, signature)

    # Token checks are dependencies, so a caller without the token gets 401 before its body is validated.
    def embedded(authorization: Annotated[str | None, Header()] = None) -> None:
        match_token(authorization, [(settings.embedded_token.get_secret_value(), True)])

    def operator(authorization: Annotated[str | None, Header()] = None) -> None:
        match_token(authorization, [(settings.admin_token.get_secret_value(), True)],
                    "a valid operator bearer token is required")

    pool = lambda: notifier.deps.pool if notifier.deps else None  # noqa: E731 - opened at start
    app.include_router(operations_router(lambda: {
        "database": database_check(pool), "kafka": kafka_check(lambda: notifier.broker),
        "publishing": work_check(pool, settings)}))

    @app.post("/twilio/status")
    async def twilio_status(request: Request, d: DepsDep,
                            x_twilio_signature: Annotated[str | None, Header()] = None,
                            i_twilio_idempotency_token: Annotated[str | None, Header()] = None) -> dict[str, str]:
        form = await twilio_form(request, x_twilio_signature)
        require_fields(form, "MessageSid", "MessageStatus")
        outcome = await apply_status(d, message_sid=form["MessageSid"], status=form["MessageStatus"],
                                     error_code=form.get("ErrorCode") or None,
                                     idempotency_token=i_twilio_idempotency_token)
        return {"result": outcome}

    @app.post("/twilio/inbound")
    async def twilio_inbound(request: Request, d: DepsDep,
                             x_twilio_signature: Annotated[str | None, Header()] = None,
                             i_twilio_idempotency_token: Annotated[str | None, Header()] = None) -> Response:
        form = await twilio_form(request, x_twilio_signature)
        require_fields(form, "From", "Body")
        message_id = form.get("MessageSid") or i_twilio_idempotency_token or f"in-{uuid.uuid4().hex}"
        await receive_reply(d, message_id=message_id, channel="sms", text=form["Body"], phone=form["From"],
                            to=form.get("To"), messaging_service_sid=form.get("MessagingServiceSid"))
        return Response(EMPTY_TWIML, media_type="application/xml")

    @app.post("/embedded/inbound", dependencies=[Depends(embedded)])
    async def embedded_inbound(body: EmbeddedReply, d: DepsDep) -> dict[str, Any]:
        outcome = await receive_reply(d, message_id=f"emb-{uuid.uuid4().hex}", channel="embedded",
                                      text=body.text, phone=body.phone, patient_id=body.patient_id)
        if not outcome.patient_known:
            raise HTTPException(404, "unknown patient_id or phone")
        return {"intent": outcome.parsed.intent.value, "value": outcome.parsed.value}

    @app.post("/v1/test-messages", status_code=202, dependencies=[Depends(operator)])
    async def test_message(body: TestMessage, d: DepsDep) -> dict[str, Any]:
        """Send a neutral test message through the configured channel (operators: `iopctl send-test`)."""
        try:
            accepted = await send_test_message(d, body.channel, body.to)
        except ProviderRejected as exc:
            raise HTTPException(502, f"{exc.provider} refused the message: {exc.code}") from exc
        return {"provider": accepted.provider, "provider_message_id": accepted.provider_message_id,
                "status": accepted.status}

    @app.get("/embedded/messages", dependencies=[Depends(embedded)])  # the texts are the patient's
    async def embedded_messages(d: DepsDep,
                                recipient_id: Annotated[str, Query(min_length=1, max_length=128)],
                                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
        """Messages the embedded channel recorded for a recipient: NOT sent to a phone or mailbox."""
        return {"delivery": "not sent to a phone: recorded by the embedded channel",
                "messages": await list_messages(d.pool, recipient_id, limit)}

    add_concern_routes(app, settings)
    add_unavailable_handler(app)
    if settings.environment == "production":
        drop_development_routes(app)
    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory iop_notifier.entrypoints.http:app_factory`."""
    return create_app()


__all__ = ["Notifier", "create_app"]
