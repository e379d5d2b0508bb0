"""Client of the notifier's concern API: opening a concern returns its text, which only the notifier stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError


class ConcernError(Exception):
    """The notifier did not open the concern; `status` is what the dashboard answers with."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _Opened(BaseModel):
    model_config = ConfigDict(extra="ignore")

    concern_id: str
    patient_id: str
    clinic_id: str
    received_at: datetime
    text: str
    opened_at: datetime
    opened_by: str


@dataclass(frozen=True, repr=False)
class OpenedConcern:
    """The concern as the notifier answered; its text is for the signed-in user's eyes only (never repr'd)."""

    concern_id: str
    patient_id: str
    clinic_id: str
    received_at: datetime
    text: str
    opened_at: datetime
    opened_by: str

    def __repr__(self) -> str:
        return f"OpenedConcern({self.concern_id!r}, text=<{len(self.text)} chars>)"


class NotifierClient:
    """POST {base}/v1/concerns/{id}/open with a bearer token and {"clinic_id", "by"}."""

    def __init__(self, base_url: str, token: str, timeout: float,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, transport=transport)

    async def open_concern(self, concern_id: str, clinic_id: str, by: str) -> OpenedConcern:
        """Open it as `by`; raise ConcernError (404 unknown, 502 refused or malformed, 503 unreachable)."""
        try:
            response = await self._http.post(f"/v1/concerns/{concern_id}/open",
                                             json={"clinic_id": clinic_id, "by": by})
        except httpx.HTTPError as exc:
            raise ConcernError(503, f"notifier unreachable ({type(exc).__name__})") from exc
        if response.status_code == 404:
            raise ConcernError(404, "no such concern")
        if response.status_code in (401, 403):
            raise ConcernError(502, "the notifier refused the dashboard's token")
        if response.is_error:
            raise ConcernError(502, f"notifier answered {response.status_code}")
        try:
            body = _Opened.model_validate_json(response.content)
        except ValidationError:
            raise ConcernError(502, "the notifier's answer did not match the concern contract") from None
        if body.concern_id != concern_id or body.clinic_id != clinic_id:
            raise ConcernError(502, "the notifier answered for another concern")
        return OpenedConcern(**body.model_dump())

    async def aclose(self) -> None:
        await self._http.aclose()
