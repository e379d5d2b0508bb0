"""Shows what the system does, live, from the events on Kafka; counts them for the closing summary."""

from __future__ import annotations

import asyncio
from collections import Counter

from aiokafka import AIOKafkaConsumer, TopicPartition
from rich.console import Console

from iop_shared.contracts import Contract, Envelope, decode, headers_to_dict
from iop_shared.contracts import outbound as o
from iop_shared.contracts.topics import CHECKINS, DEADLETTER, NOTIFICATIONS, REMINDERS, RISK, VISITS
from iop_shared.kafka import load_metadata

WATCHED = (REMINDERS, NOTIFICATIONS, CHECKINS, VISITS, RISK, DEADLETTER)


def describe(env: Envelope[Contract]) -> tuple[str, str]:
    """A short line (style, text) for one event; ids only, as a care team's operations view."""
    d = env.data
    if isinstance(d, o.ReminderDue):
        return "cyan", f"reminder due      {d.purpose.value:<18} patient {d.patient_id}"
    if isinstance(d, o.ReminderDropped):
        return "yellow", f"reminder dropped  {d.reason.value:<18} patient {d.patient_id}"
    if isinstance(d, o.NotificationSent):
        channel = d.channel.value if d.channel else "?"
        return "green", f"sent              {channel:<8} {d.recipient_kind.value} {d.recipient_id}"
    if isinstance(d, o.NotificationDelivered):
        return "green", f"delivered         {d.channel.value if d.channel else '?':<8} {d.recipient_id}"
    if isinstance(d, o.NotificationSuppressed):
        return "yellow", f"suppressed        {d.reason_code.value if d.reason_code else '?':<20} {d.recipient_id}"
    if isinstance(d, o.NotificationFailed):
        return "red", f"failed            {d.reason_code.value if d.reason_code else '?':<20} {d.recipient_id}"
    if isinstance(d, o.CheckinReceived):
        value = f" = {d.value}" if d.value is not None else ""
        style = "bold red" if d.intent == o.CheckinIntent.crisis else "magenta"
        return style, f"reply             {d.intent.value}{value} from {d.patient_id}"
    if isinstance(d, o.AssessmentCompleted):
        total = f" total {d.total}" if d.total is not None else ""
        style = "bold red" if d.item9_positive else "magenta"
        return style, f"check-in {d.status.value:<9} {d.instrument.value}{total} patient {d.patient_id}"
    if isinstance(d, o.VisitMissed):
        return "red", f"missed visit      session {d.session_id} patient {d.patient_id}"
    if isinstance(d, o.VisitMissedRetracted):
        return "blue", f"miss retracted    session {d.session_id} patient {d.patient_id}"
    if isinstance(d, o.RiskFlagged):
        return "bold red", f"RISK FLAG {d.severity.value:<8} {d.rule} patient {d.patient_id}"
    if isinstance(d, o.RiskAcknowledged):
        return "blue", f"flag acknowledged {d.flag_id} by {d.by}"
    if isinstance(d, o.RiskResolved):
        return "blue", f"flag resolved     {d.flag_id}"
    if isinstance(d, o.DeadLetter):
        return "red", f"dead letter       {d.source_topic}: {d.error[:80]}"
    return "white", env.type


def tally_key(env: Envelope[Contract]) -> str:
    d = env.data
    if isinstance(d, o.NotificationSuppressed | o.NotificationFailed) and d.reason_code:
        return f"{env.type.split('.')[2]} ({d.reason_code.value})"
    if isinstance(d, o.ReminderDue):
        return f"reminder due ({d.purpose.value})"
    if isinstance(d, o.ReminderDropped):
        return f"reminder dropped ({d.reason.value})"
    if isinstance(d, o.NotificationSent) and d.channel:
        who = "page to care team" if d.recipient_kind == o.RecipientKind.care_team_member else "sent to patient"
        return f"{who} ({d.channel.value})"
    if isinstance(d, o.CheckinReceived):
        return f"reply ({d.intent.value})"
    if isinstance(d, o.RiskFlagged):
        return f"risk flag ({d.severity.value}: {d.rule})"
    if isinstance(d, o.AssessmentCompleted):
        return f"check-in {d.status.value} ({d.instrument.value})"
    return env.type.removeprefix("iop.").removesuffix(".v1")


class LiveFeed:
    """Reads the outbound topics from their current end and prints each event as it arrives."""

    def __init__(self, bootstrap: str, console: Console) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
        self._console = console
        self.counts: Counter[str] = Counter()
        self.events: list[Envelope[Contract]] = []

    async def start(self) -> None:
        await self._consumer.start()
        await load_metadata(self._consumer)
        tps = [TopicPartition(t.name, p) for t in WATCHED for p in self._consumer.partitions_for_topic(t.name) or ()]
        self._consumer.assign(tps)
        ends = await self._consumer.end_offsets(tps)
        for tp in tps:
            self._consumer.seek(tp, ends[tp])

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            batch = await self._consumer.getmany(timeout_ms=300)
            for records in batch.values():
                for rec in records:
                    self._show(headers_to_dict(rec.headers or []), rec.value)

    def _show(self, headers: dict[str, str], value: bytes | None) -> None:
        try:
            env = decode(headers, value)
        except ValueError:
            return
        self.events.append(env)
        self.counts[tally_key(env)] += 1
        style, text = describe(env)
        self._console.print(f"[dim]{env.time:%H:%M:%S}[/dim] [{style}]{text}[/{style}]", highlight=False)

    async def stop(self) -> None:
        await self._consumer.stop()
