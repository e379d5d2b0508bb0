"""Turns current findings and existing flags into what to raise and what resolves by itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .model import Finding, FlagState
from .ruleset import Rule, RuleSet


@dataclass(frozen=True)
class Decisions:
    """Flags to raise (one per finding) and open flags whose pattern cleared."""

    raise_for: tuple[Finding, ...] = ()
    resolve: tuple[FlagState, ...] = ()


def may_raise(rule: Rule, finding: Finding, flags: Sequence[FlagState], now: datetime) -> bool:
    """One pattern raises one flag; a rule flags once per cooldown; an open flag holds unless the rule repeats."""
    mine = [f for f in flags if f.rule_id == rule.id]
    if any(f.pattern_key == finding.pattern_key for f in mine):
        return False
    if not rule.repeat_while_open and any(f.is_open for f in mine):
        return False
    # A flag whose pattern cleared by itself (e.g. a retracted miss) was undone, so it does not hold the cooldown.
    return not any(not f.auto_resolved and now - f.raised_at < rule.cooldown for f in mine)


def reconcile(rules: RuleSet, findings: dict[str, Finding], flags: Sequence[FlagState],
              now: datetime) -> Decisions:
    """Decide per rule; a finding never resolves a flag of a different pattern of the same rule."""
    to_raise: list[Finding] = []
    to_resolve: list[FlagState] = []
    for rule in rules.enabled:
        finding = findings.get(rule.id)
        if finding is None:
            if rule.auto_resolve:
                to_resolve += [f for f in flags if f.rule_id == rule.id and f.is_open]
        elif may_raise(rule, finding, flags, now):
            to_raise.append(finding)
    return Decisions(tuple(to_raise), tuple(to_resolve))
