"""Runs the notifier with a reply parser that reads texts starting with MARKER as `concern`, for tests only.

The end-to-end triage test needs a text the classifier cannot read; until the classifier returns `concern`
for such texts itself, this stands in for it, and the rest of the service runs unchanged in its own process.
"""

from __future__ import annotations

from iop_notifier.domain.reply_parser import Expecting, ParsedReply, parse_reply
from iop_shared.contracts.outbound import CheckinIntent

MARKER = "zq-unreadable"


def parse_with_concern(text: str, expecting: Expecting, *, opted_out: bool = False) -> ParsedReply:
    if text.startswith(MARKER):
        return ParsedReply(CheckinIntent.concern, None)
    return parse_reply(text, expecting, opted_out=opted_out)


def main() -> None:
    from iop_notifier.entrypoints.main import main as run_main
    from iop_notifier.handlers import replies

    setattr(replies, "parse_reply", parse_with_concern)  # noqa: B010 (a test double in place of the parser)
    run_main()


if __name__ == "__main__":
    main()
