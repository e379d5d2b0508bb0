"""Open slots and reschedule by reply: what the clinic offers, what a patient chose and what is held for them.

The clinic stays the source of truth: a hold only asks it (iop.reschedule.requested.v1); the patient's session
moves when the clinic's own session upsert moves it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from pydantic import Field, model_validator

from .common import Contract, EntityId, Revision, Timestamp
from .inbound import SessionKind


class SlotUpserted(Contract):
    """iop.slot.upserted.v1: a time the clinic can seat `capacity` more patients of a program and kind."""

    slot_id: EntityId
    clinic_id: EntityId
    program_id: EntityId
    kind: SessionKind
    starts_at: Timestamp
    ends_at: Timestamp
    capacity: int = Field(ge=0, le=500, description="seats open; 0 withdraws the slot")
    revision: Revision

    @model_validator(mode="after")
    def _times_in_order(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


Choice = Literal["A", "B", "C"]


class SlotOption(Contract):
    """One offered time, as the patient sees it labelled."""

    choice: Choice
    slot_id: EntityId
    starts_at: Timestamp
    ends_at: Timestamp


class RescheduleOffered(Contract):
    """iop.reschedule.offered.v1: up to three open slots for the patient's session; ids and times only."""

    offer_id: EntityId
    patient_id: EntityId
    clinic_id: EntityId
    session_id: EntityId
    options: list[SlotOption] = Field(min_length=1, max_length=3)
    offered_at: Timestamp
    expires_at: Timestamp


class WaitlistOffered(Contract):
    """iop.waitlist.offered.v1: a seat of the session opened and is offered to a waitlisted patient ("Reply YES");
    the first YES is published as iop.reschedule.chosen.v1 (choice A) and held like a chosen slot."""

    offer_id: EntityId
    patient_id: EntityId
    clinic_id: EntityId
    session_id: EntityId
    slot_id: EntityId
    starts_at: Timestamp
    offered_at: Timestamp
    expires_at: Timestamp


class RescheduleChosen(Contract):
    """iop.reschedule.chosen.v1: the patient's reply picked one option of an offer (a waitlist YES: choice A)."""

    offer_id: EntityId
    patient_id: EntityId
    session_id: EntityId
    slot_id: EntityId
    choice: Choice
    chosen_at: Timestamp


class RescheduleRequested(Contract):
    """iop.reschedule.requested.v1: a seat is held for the patient until `hold_expires_at`; the clinic confirms
    by moving the session (its own session upsert), which consumes the hold."""

    hold_id: EntityId
    offer_id: EntityId
    patient_id: EntityId
    clinic_id: EntityId
    session_id: EntityId
    slot_id: EntityId
    slot_starts_at: Timestamp
    hold_expires_at: Timestamp
    requested_at: Timestamp


class RescheduleOutcome(StrEnum):
    """How a reschedule request ended (additive: consumers treat an unknown value as "other")."""

    confirmed = "confirmed"  # the clinic moved the session: the hold is consumed
    expired = "expired"  # nobody confirmed before the hold's expiry: the seat is released
    taken = "taken"  # the chosen seat went to someone else first: nothing was held


class RescheduleClosed(Contract):
    """iop.reschedule.closed.v1: a request (or a choice that found no seat) is over."""

    offer_id: EntityId
    patient_id: EntityId
    clinic_id: EntityId
    session_id: EntityId
    slot_id: EntityId
    hold_id: EntityId | None = None
    outcome: RescheduleOutcome
    closed_at: Timestamp
