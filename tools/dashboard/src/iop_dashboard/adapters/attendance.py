"""Client of the attendance service's flag API, which owns risk flags and publishes what is done to them."""

from __future__ import annotations

from typing import Any, Literal

import httpx

from iop_shared.experiments import Experiment, PatientOutcome

FlagAction = Literal["acknowledge", "resolve"]


class FlagActionError(Exception):
    """The attendance service did not perform the action (or answer the read); `status` is what the dashboard
    answers with."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class AttendanceClient:
    """POST /v1/flags/{id}/acknowledge|resolve and GET experiment outcomes, with a bearer token."""

    def __init__(self, base_url: str, token: str, timeout: float,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, transport=transport)

    async def act(self, flag_id: str, action: FlagAction, by: str, note: str | None) -> dict[str, Any]:
        """Perform the action; raise FlagActionError with a status the caller can pass on."""
        body: dict[str, str] = {"by": by} | ({"note": note} if note else {})
        try:
            response = await self._http.post(f"/v1/flags/{flag_id}/{action}", json=body)
        except httpx.HTTPError as exc:
            raise FlagActionError(503, f"attendance service unreachable ({type(exc).__name__})") from exc
        if response.status_code in (404, 409, 422):
            raise FlagActionError(response.status_code, _detail(response))
        if response.status_code in (401, 403):
            raise FlagActionError(502, "the attendance service refused the dashboard's token")
        if response.is_error:
            raise FlagActionError(502, f"attendance service answered {response.status_code}")
        result: dict[str, Any] = response.json()
        return result

    async def experiment_outcomes(self, experiment: Experiment) -> list[PatientOutcome]:
        """The per-patient outcomes of `experiment` (GET /v1/clinics/{id}/experiment-outcomes)."""
        params: dict[str, Any] = {"starts_at": experiment.starts_at.isoformat(),
                                  "ends_at": experiment.ends_at.isoformat(), "program_id": experiment.programs}
        try:
            response = await self._http.get(f"/v1/clinics/{experiment.clinic_id}/experiment-outcomes",
                                            params=params)
        except httpx.HTTPError as exc:
            raise FlagActionError(503, f"attendance service unreachable ({type(exc).__name__})") from exc
        if response.is_error:  # 404 included: the token does not cover the clinic, a deployment fault
            raise FlagActionError(502, f"attendance service answered {response.status_code}")
        return [PatientOutcome(o["patient_id"], o["sessions"], o["attended"], o["no_shows"])
                for o in response.json()["outcomes"]]

    async def aclose(self) -> None:
        await self._http.aclose()


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return detail if isinstance(detail, str) else f"attendance service answered {response.status_code}"
