"""Sign-in attempts against other writers, on SQLite (ADR 0020).

8 client threads loop on wrong passwords over HTTP against real server processes (as many as
``seatledger serve`` starts by default) while an admin PATCHes a purchasing group again and
again; the figures are the admin's write latency. Three runs: no sign-in load (the baseline),
the load with rate limits off (every attempt runs argon2 at the production cost), and the load
with the default limits (attempts past the address limit are refused after one read).
Goal: the admin's write under 50 ms while sign-ins hammer the server.

``BENCH_SERVER_PYTHONPATH`` runs the server from another source tree (an older checkout, for a
before/after comparison); the database is migrated by this one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx

from bench.assignment import free_port, token_for
from bench.common import fresh_database, make_shop, percentile
from seatledger.cli import default_workers

ATTACKERS = 8
SERVER_PROCESSES = int(os.environ.get("BENCH_SERVER_PROCESSES", default_workers()))
# name: (looping clients, SEATLEDGER_RATE_LIMITS, what they loop on). "healthz" calibrates:
# 8 clients looping on the cheapest request there is, to compare refused sign-ins with.
RUNS = {
    "baseline": (0, "off", "signin"),
    "healthz": (ATTACKERS, "off", "healthz"),
    "off": (ATTACKERS, "off", "signin"),
    "default": (ATTACKERS, "", "signin"),
}


def run(*, attackers: int, rate_limits: str, target: str, writes: int) -> None:
    with fresh_database("sqlite") as database:
        shop = make_shop(database)
        port = free_port()
        env = {
            **os.environ,
            "SEATLEDGER_DATABASE_URL": database.url,
            "SEATLEDGER_SECRET_KEY": "bench",
            "SEATLEDGER_RATE_LIMITS": rate_limits,
        }
        env.pop("SEATLEDGER_PASSWORD_HASHING", None)  # argon2 at its production cost
        if "BENCH_SERVER_PYTHONPATH" in os.environ:
            env["PYTHONPATH"] = os.environ["BENCH_SERVER_PYTHONPATH"]
        command = ["-m", "uvicorn", "--factory", "seatledger.app:create_app", "--port", str(port)]
        command += ["--log-level", "warning", "--no-access-log"]
        server = subprocess.Popen(
            [sys.executable, *command, "--workers", str(SERVER_PROCESSES)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base)
            samples, answers, load = _measure(
                base, shop, attackers=attackers, target=target, writes=writes
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    ms = [s * 1000 for s in samples]
    load_text = ", ".join(f"{value:.1f}" for value in load)
    print(
        f"admin PATCH on sqlite, {attackers} clients "
        f"{'signing in wrongly' if target == 'signin' else 'on /healthz'}, limits "
        f"{rate_limits or 'default'}, {SERVER_PROCESSES} server processes: "
        f"median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms over {len(ms)}; "
        f"their answers {dict(sorted(answers.items()))}; load average {load_text}"
    )


def _wait_for(base: str) -> None:
    for _ in range(600):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _measure(  # type: ignore[no-untyped-def]
    base: str, shop, *, attackers: int, target: str, writes: int
) -> tuple[list[float], Counter[int], tuple[float, float, float]]:
    done = threading.Event()
    answers: Counter[int] = Counter()
    lock = threading.Lock()

    def attack() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while not done.is_set():
                if target == "healthz":
                    response = client.get("/healthz")
                else:
                    response = client.post(
                        "/api/v1/auth/token",
                        json={"email": "agent@example.com", "password": "not-the-password"},
                    )
                with lock:
                    answers[response.status_code] += 1

    with httpx.Client(base_url=base, timeout=120) as admin:
        headers = token_for(admin, "owner@example.com")
        url = f"/api/v1/stores/{shop.slug}/groups/{shop.group_id}"
        threads = [threading.Thread(target=attack) for _ in range(attackers)]
        for thread in threads:
            thread.start()
        time.sleep(2 if attackers else 0)  # let the sign-in load build up before the clock
        samples = []
        for n in range(writes):
            start = time.perf_counter()
            response = admin.patch(url, json={"name": f"Top {n}"}, headers=headers)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.text
        load = os.getloadavg()
        done.set()
        for thread in threads:
            thread.join()
    return samples, answers, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS))
    args = parser.parse_args()
    for name in args.runs:
        attackers, rate_limits, target = RUNS[name]
        run(attackers=attackers, rate_limits=rate_limits, target=target, writes=args.writes)


if __name__ == "__main__":
    main()
