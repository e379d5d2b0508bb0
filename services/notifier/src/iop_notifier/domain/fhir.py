"""FHIR R4 resources of what the notifier sent and asked: plain dicts, ids, codes and numbers, never a body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .instrument_set import InstrumentSet

PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"
REASON_SYSTEM = "urn:iop:notification-reason"
PURPOSE_SYSTEM = "urn:iop:notification-purpose"
_DONE = {"sent": "completed", "queued": "completed", "delivered": "completed", "read": "completed",
         "failed": "stopped", "undelivered": "stopped", "suppressed": "not-done"}
_MEDIUM = {"sms": ("WRITTEN", "SMS"), "email": ("EMAILWRIT", "email")}


def bundle(resources: Sequence[dict[str, Any]], self_url: str, base: str) -> dict[str, Any]:
    """A searchset Bundle of `resources`."""
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "link": [{"relation": "self", "url": self_url}],
            "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r,
                       "search": {"mode": "match"}} for r in resources]}


def communication(row: Mapping[str, Any], patient_id: str) -> dict[str, Any]:
    """One message to a patient: medium, sent time, status, the reason code when it was withheld."""
    res: dict[str, Any] = {"resourceType": "Communication", "id": row["id"],
                           "status": _DONE.get(row["state"], "in-progress"),
                           "subject": {"reference": f"Patient/{patient_id}"}, "sent": _iso(row["at"])}
    if row["channel"] in _MEDIUM:
        code, text = _MEDIUM[row["channel"]]
        res["medium"] = [{"coding": [{"system": PARTICIPATION, "code": code}], "text": text}]
    if row["purpose"]:
        res["category"] = [{"coding": [{"system": PURPOSE_SYSTEM, "code": row["purpose"]}]}]
    if row["reason"]:
        res["statusReason"] = {"coding": [{"system": REASON_SYSTEM, "code": row["reason"]}]}
    return res


def questionnaire_responses(row: Mapping[str, Any], answers: Mapping[str, Sequence[int]], patient_id: str,
                            instruments: InstrumentSet) -> list[dict[str, Any]]:
    """One QuestionnaireResponse per instrument of a conversation, items by LOINC code where there is one."""
    out = []
    for name, given in answers.items():
        inst = instruments.instrument(name)
        if not given:
            continue
        complete = len(given) == len(inst.items)
        status = "completed" if complete else ("in-progress" if row["state"] in ("offered", "asking")
                                               and row["instrument"] == name else "stopped")
        items = [{"linkId": instruments.items[key].loinc or key, "answer": [{"valueInteger": value}]}
                 for key, value in zip(inst.items, given, strict=False)]
        if complete and inst.loinc_total:
            items.append({"linkId": inst.loinc_total, "answer": [{"valueInteger": sum(given)}]})
        res: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "id": f"{row['conversation_id']}-{name}",
                               "status": status, "subject": {"reference": f"Patient/{patient_id}"},
                               "authored": _iso(row["updated_at"]), "item": items}
        if inst.loinc_panel:
            res["questionnaire"] = f"http://loinc.org/q/{inst.loinc_panel}"
        out.append(res)
    return out


def _iso(at: datetime) -> str:
    return at.isoformat()
