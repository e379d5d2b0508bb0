"""FHIR R4 Flag of a risk flag: status, category, the rule as code text, period and author "system"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
RULE_SYSTEM = "urn:iop:risk-rule"
SEVERITY_SYSTEM = "urn:iop:risk-severity"


def flag(row: Mapping[str, Any], reasons: Sequence[str]) -> dict[str, Any]:
    """An open or acknowledged flag is active; a resolved one inactive, its period ended."""
    period = {"start": row["raised_at"].isoformat()}
    if row["resolved_at"] is not None:
        period["end"] = row["resolved_at"].isoformat()
    text = reasons[0] if reasons else row["rule"]
    return {
        "resourceType": "Flag", "id": row["flag_id"],
        "status": "inactive" if row["status"] == "resolved" else "active",
        "category": [{"coding": [{"system": CATEGORY, "code": "behavioral", "display": "Behavioral"}]},
                     {"coding": [{"system": SEVERITY_SYSTEM, "code": row["severity"]}]}],
        "code": {"coding": [{"system": RULE_SYSTEM, "code": row["rule"]}], "text": text},
        "subject": {"reference": f"Patient/{row['patient_id']}"},
        "period": period,
        "author": {"display": "system"},
    }


def bundle(resources: Sequence[dict[str, Any]], self_url: str, base: str) -> dict[str, Any]:
    """A searchset Bundle of `resources`."""
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "link": [{"relation": "self", "url": self_url}],
            "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r,
                       "search": {"mode": "match"}} for r in resources]}
