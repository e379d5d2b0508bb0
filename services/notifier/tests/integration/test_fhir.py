"""FHIR R4 out of the notifier: Communication and QuestionnaireResponse searchsets, per clinic, validated (R4B)."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from iop_devkit.notifier import builders as b
from iop_devkit.notifier.runner import run_notifier
from iop_devkit.notifier.scenario import known
from iop_devkit.notifier.twilio_fake import TwilioFake
from iop_devkit.testing.kafka import eventually, publish
from iop_notifier.settings import Settings
from iop_shared.contracts.outbound import CheckinKind, ReminderPurpose

pytestmark = pytest.mark.integration
ITEM = re.compile(r"\b\d/\d\b")


async def test_fhir_communications_and_questionnaire_responses_validate_and_stay_in_their_clinic(
        topics: str, kafka_bootstrap: str, twilio: TwilioFake, make_settings: Callable[..., Settings]) -> None:
    clinic, pid, ph = b.uid("cl"), b.uid("pt"), b.phone()
    tokens = {clinic: "fhir-token-clinic-a1", "other-clinic": "fhir-token-clinic-b2"}
    async with run_notifier(make_settings(api_tokens=tokens)) as svc:
        await known(svc, kafka_bootstrap, b.clinic(clinic, quiet=b.all_day()),
                    b.patient(pid, clinic, phone_number=ph, detailed=True), patients=(pid,), clinics=(clinic,))
        await publish(kafka_bootstrap, b.reminder(pid, clinic, [], purpose=ReminderPurpose.checkin_prompt,
                                                  checkin_kind=CheckinKind.phq2))
        await eventually(lambda: twilio.to(ph), timeout=10)
        inbound = f"{svc.base_url}/twilio/inbound"
        for n, body in enumerate(["GO", "2", "2", "1"], start=1):  # PHQ-2 = 4, then the PHQ-9's third item
            await twilio.post_inbound(inbound, from_=ph, body=body)
            await eventually(lambda n=n: sum(bool(ITEM.search(m.body)) for m in twilio.to(ph)) >= n, timeout=5)
        suppressed = b.reminder(pid, clinic, [], purpose=ReminderPurpose.checkin_prompt,
                                checkin_kind=CheckinKind.gad2)  # one check-in at a time: withheld
        await publish(kafka_bootstrap, suppressed)

        async with httpx.AsyncClient(base_url=svc.base_url) as http:
            auth = {"Authorization": f"Bearer {tokens[clinic]}"}
            assert (await http.get("/fhir/r4/Communication", params={"patient": pid})).status_code == 401
            other = {"Authorization": f"Bearer {tokens['other-clinic']}"}
            assert (await http.get("/fhir/r4/Communication", params={"patient": pid}, headers=other)).status_code == 404
            missing = await http.get("/fhir/r4/Communication", headers=auth)
            assert missing.status_code == 422 and "patient" in missing.text

            async def withheld() -> bool:
                r = await http.get("/fhir/r4/Communication", params={"patient": pid}, headers=auth)
                return any(e["resource"]["status"] == "not-done" for e in r.json()["entry"])
            await eventually(withheld, timeout=10)
            comms = await http.get("/fhir/r4/Communication", params={"patient": pid}, headers=auth)
            qrs = await http.get("/fhir/r4/QuestionnaireResponse", params={"patient": pid}, headers=auth)

    assert comms.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(comms.json())
    assert bundle.type == "searchset" and bundle.total == len(comms.json()["entry"]) >= 5
    resources = [Communication.model_validate(e["resource"]) for e in comms.json()["entry"]]
    assert {r.status for r in resources} == {"completed", "not-done"}
    [not_done] = [r for r in resources if r.status == "not-done"]
    assert not_done.statusReason.coding[0].code == "superseded"  # type: ignore[union-attr]
    assert all(r.payload is None for r in resources) and ph not in comms.text  # never the body or the number
    assert "kill" not in comms.text.lower() and "interest" not in comms.text.lower()

    Bundle.model_validate(qrs.json())
    by_id = {e["resource"]["id"]: QuestionnaireResponse.model_validate(e["resource"]) for e in qrs.json()["entry"]}
    phq2 = next(r for k, r in by_id.items() if k.endswith("-phq2"))
    phq9 = next(r for k, r in by_id.items() if k.endswith("-phq9"))
    assert phq2.status == "completed" and phq2.questionnaire == "http://loinc.org/q/55757-9"
    assert [i.linkId for i in phq2.item] == ["44250-9", "44255-8", "55758-7"]  # type: ignore[union-attr]
    assert phq2.item[-1].answer[0].valueInteger == 4  # type: ignore[index]
    assert phq9.status == "in-progress" and phq9.questionnaire == "http://loinc.org/q/44249-1"
    assert [i.answer[0].valueInteger for i in phq9.item] == [2, 2, 1]  # type: ignore[index, union-attr]
