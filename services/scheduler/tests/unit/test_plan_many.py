"""A drain batch planned together (plan_many) gives exactly the plans the one-by-one planner gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iop_scheduler.domain.model import PatientView, PlanInput
from iop_scheduler.domain.planner import plan_many, plan_patient
from iop_scheduler.domain.policy import Policy

from .test_planner_properties import plan_inputs, policies


@pytest.mark.unit
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(plan_inputs(), st.integers(0, 2)), min_size=1, max_size=12),
       st.lists(policies(), min_size=3, max_size=3))
def test_a_batch_plans_as_one_by_one(patients: list[tuple[tuple[PlanInput, datetime], int]],
                                     shared: list[Policy]) -> None:
    now = patients[0][0][1]  # one drain, one clock reading
    # Distinct patients sharing a few policy objects (as a drain batch shares its clinics' overrides).
    items = [(replace(inp, patient=PatientView(f"p{i}", "c1", inp.zone),
                      sessions=tuple(replace(s, attendees=tuple(f"p{i}" if a == "p1" else a for a in s.attendees))
                                     for s in inp.sessions)), shared[k])
             for i, ((inp, _), k) in enumerate(patients)]
    assert plan_many(items, now) == [plan_patient(inp, policy, now) for inp, policy in items]
    assert plan_many(items[::-1], now) == [plan_patient(inp, policy, now) for inp, policy in items[::-1]]
