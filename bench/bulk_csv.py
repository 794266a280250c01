"""``seatledger bulk-assign`` handed a CSV far over the row cap: how long it takes to refuse,
and the peak memory of the process that refuses.

The command runs as a child process (``python -m seatledger.cli``), so the figures include
starting Python and importing the app, as a user would see them; peak memory is that
child's maximum resident set (``ru_maxrss`` from ``wait4``). The file has 1,000,000 rows by
default.

    .venv/bin/python -m bench.bulk_csv [--rows N] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade
from seatledger.services.people import accounts

OWNER = "owner@example.com"


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("email,mode\n")
        handle.writelines(f"learner{n}@example.com,email\n" for n in range(rows))


def refuse_once(csv_file: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, peak MiB and the last line printed by one refused ``bulk-assign``."""
    command = [sys.executable, "-m", "seatledger.cli", "bulk-assign", str(csv_file)]
    command += ["--store", "acme", "--as", OWNER, "--sku", "PY"]
    output = csv_file.with_suffix(".out")
    with output.open("w") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the max of all
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = [line.strip() for line in output.read_text().splitlines() if line.strip()]
    said = next((line for line in lines if "too_many_rows" in line), lines[-1] if lines else "")
    return seconds, usage.ru_maxrss / 1024, f"exit {process.returncode}: {said}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        database = Database(url)
        upgrade(database)
        accounts.create_owner(database, email=OWNER, password="benchmark-password")
        database.dispose()
        csv_file = Path(folder) / "learners.csv"
        write_csv(csv_file, options.rows)
        size = csv_file.stat().st_size / 2**20
        env = {**os.environ, "SEATLEDGER_DATABASE_URL": url}
        runs = [refuse_once(csv_file, env) for _ in range(options.repeats)]
    print(f"bulk-assign of a {options.rows:,}-row CSV ({size:.1f} MiB), {len(runs)} runs:")
    print(f"  refused with: {runs[-1][2]}")
    print(f"  seconds to refuse: median {statistics.median(r[0] for r in runs):.2f}")
    print(f"  peak memory (max RSS): median {statistics.median(r[1] for r in runs):.0f} MiB")


if __name__ == "__main__":
    main()
