"""The benchmark's providers (the Twilio fake and an SMTP server) in a process of their own.

Real providers are other machines: in the notifier's process their servers would take its CPU, and the SMTP
server's thread would make every socket write of the notifier wait for the GIL. The parent talks to the child
over a pipe: "count" answers how many messages arrived, "cpu" its CPU seconds, "dump" every arrival, "stop"
ends it.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from aiosmtpd.smtp import SMTP as SmtpServer

from iop_devkit.notifier.twilio_fake import TwilioFake, free_port


@dataclass(frozen=True)
class Endpoints:
    account_sid: str
    auth_token: str
    twilio_base_url: str
    smtp_port: int


class _Keep:
    """aiosmtpd handler: the first recipient and the time DATA was accepted."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, float]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append((envelope.rcpt_tos[0], time.time()))
        return "250 Message accepted for delivery"


async def _serve(conn: Connection) -> None:
    keep, port = _Keep(), free_port()
    smtp = await asyncio.get_running_loop().create_server(lambda: SmtpServer(keep), "127.0.0.1", port)
    async with TwilioFake() as twilio:
        conn.send(Endpoints(twilio.account_sid, twilio.auth_token, twilio.base_url, port))
        while True:
            command = await asyncio.to_thread(conn.recv)
            if command == "count":
                conn.send(len(twilio.messages) + len(keep.mails))
            elif command == "cpu":
                conn.send(time.process_time())
            elif command == "dump":
                conn.send(([(m.to, m.accepted_at) for m in twilio.messages], keep.mails))
            else:
                break
    smtp.close()


def _child(conn: Connection) -> None:
    asyncio.run(_serve(conn))


class Providers:
    """`with Providers() as p:` starts the child; `p.endpoints` says where it listens."""

    def __init__(self) -> None:
        self._conn, child = mp.get_context("spawn").Pipe()
        self._proc = mp.get_context("spawn").Process(target=_child, args=(child,), daemon=True)
        self.endpoints: Endpoints

    def __enter__(self) -> Providers:
        self._proc.start()
        self.endpoints = self._conn.recv()
        return self

    def _ask(self, command: str) -> Any:
        self._conn.send(command)
        return self._conn.recv()

    async def count(self) -> int:
        return int(await asyncio.to_thread(self._ask, "count"))

    async def cpu_s(self) -> float:
        """CPU seconds the providers' process has used so far."""
        return float(await asyncio.to_thread(self._ask, "cpu"))

    async def dump(self) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(sms: [(to, accepted_at)], email: [(rcpt, received_at)])."""
        sms, mails = await asyncio.to_thread(self._ask, "dump")
        return sms, mails

    def __exit__(self, *_: object) -> None:
        self._conn.send("stop")
        self._proc.join(10)
