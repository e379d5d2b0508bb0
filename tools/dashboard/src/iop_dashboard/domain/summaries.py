"""Shapes the read model into the tables the page shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .model import SEVERITY_RANK, Flag, FlagStatus, KindNoShows, NotificationCount, Outcome, WeekAttendance

NO_CHANNEL = "none"
SESSION_KINDS = ("group", "individual", "family", "medication", "assessment")


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    sent: int
    delivered: int
    failed: int
    suppressed: int


def by_channel(counts: Iterable[NotificationCount]) -> list[ChannelRow]:
    """Outcome counts per channel, channels in name order ('none' for suppressions before a channel was chosen)."""
    table: dict[str, dict[Outcome, int]] = defaultdict(lambda: dict.fromkeys(Outcome, 0))
    for c in counts:
        table[c.channel or NO_CHANNEL][c.outcome] += c.count
    return [ChannelRow(ch, row[Outcome.sent], row[Outcome.delivered], row[Outcome.failed], row[Outcome.suppressed])
            for ch, row in sorted(table.items())]


def by_reason(counts: Iterable[NotificationCount]) -> list[tuple[str, int]]:
    """Suppressions and failures per reason code, most frequent first; other outcomes with a reason
    (e.g. fallback_used on a send) are listed too, since operations want to see them."""
    totals: dict[str, int] = defaultdict(int)
    for c in counts:
        if c.reason:
            totals[c.reason] += c.count
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def flags_in_order(flags: Iterable[Flag]) -> list[Flag]:
    """Unresolved flags, most severe first, then the one waiting longest; open before acknowledged."""
    pending = [f for f in flags if f.status is not FlagStatus.resolved]
    return sorted(pending, key=lambda f: (-SEVERITY_RANK[f.severity], f.status is FlagStatus.acknowledged,
                                          f.raised_at, f.flag_id))


def fill_weeks(starts: Sequence[date], rows: Iterable[WeekAttendance]) -> list[WeekAttendance]:
    """One row per charted week, zeros where no session was held."""
    found = {r.week_start: r for r in rows}
    return [found.get(d, WeekAttendance(d, 0, 0, 0)) for d in starts]


def fill_kinds(rows: Iterable[KindNoShows]) -> list[KindNoShows]:
    """Every session kind, in contract order, then any other kind seen (e.g. 'unknown')."""
    found = {r.kind: r.count for r in rows}
    known = [KindNoShows(k, found.pop(k, 0)) for k in SESSION_KINDS]
    return known + [KindNoShows(k, n) for k, n in sorted(found.items())]
