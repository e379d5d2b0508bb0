"""The services as child processes: started with the demo profile, waited on until ready, stopped on exit."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from iop_devkit.testing.ready import ready_now


@dataclass
class ServiceProcess:
    """One service run as `iop-<name> run`, logging to its own file."""

    name: str
    port: int
    env: dict[str, str]
    log_dir: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        exe = shutil.which(f"iop-{self.name}")
        if exe is None:
            raise RuntimeError(f"iop-{self.name} is not installed; run `uv sync`")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.proc = subprocess.Popen([exe, "run"], env={**os.environ, **self.env}, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_file}")
            if ready_now(self.base_url):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f}s; see {self.log_file}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
