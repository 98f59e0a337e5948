"""Load test of the information system on loopback: N concurrent clients submitting
data and advancing cases for a while; throughput, latency, and whether every
acknowledged write is there afterwards with its audit row.

    .venv/bin/python benchmarks/bench_service.py [--clients 8] [--seconds 20]
                                                 [--db postgresql://…]

The service runs as ``dudao serve`` in its own process (SQLite in a temporary data
folder unless ``--db`` is given); each client signs in as the staff of a city or one
of its counties and loops: 立案 on a county below (the city's staff), then 反馈, 下达
整改, 报告整改 (the county itself), 复查, 结案 — each step sent with the ETag it read
in If-Match — and every fifth round a county submits its budget table. Afterwards,
with the service stopped, the benchmark reads the database: every case step and
submission the service acknowledged (2xx) must be there, and the audit log must hold
exactly one row per acknowledged write.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from dudao.server import accounts as acc
from dudao.server import audit
from dudao.server.db import submissions
from dudao.server.service import Service
from dudao.server.settings import Settings

CITY = "450100"
COUNTIES = ["450102", "450103", "450105", "450107", "450108", "450109", "450110"]
PASSWORD = "bench-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client(threading.Thread):
    def __init__(self, n: int, url: str, tokens: dict[str, str], until: float) -> None:
        super().__init__(daemon=True)
        self.n, self.url, self.tokens, self.until = n, url, tokens, until
        self.latencies: list[float] = []
        self.acked: Counter[str] = Counter()  # write kind → acknowledged count
        self.case_steps: dict[str, int] = {}  # case id → events acknowledged
        self.subs: list[int] = []
        self.errors: Counter[int] = Counter()

    def call(self, c: httpx.Client, method: str, path: str, **kw: Any) -> httpx.Response:
        t = time.perf_counter()
        r = c.request(method, path, **kw)
        self.latencies.append(time.perf_counter() - t)
        if r.status_code >= 300:
            self.errors[r.status_code] += 1
        return r

    def run(self) -> None:
        rng = random.Random(self.n)
        county = COUNTIES[self.n % len(COUNTIES)]
        city = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.tokens['city']}"}
        )
        own = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.tokens[county]}"}
        )
        rounds = 0
        while time.perf_counter() < self.until:
            rounds += 1
            r = self.call(
                city, "POST", "/api/v1/cases", json={"target": county, "date": "2023-03-01"}
            )
            if r.status_code != 201:
                continue
            cid = r.json()["case"]["case_id"]
            self.acked["open"] += 1
            self.case_steps[cid] = 1
            tag = r.headers["ETag"]
            steps = [
                (city, {"step": "feedback", "date": "2023-03-02", "payload": {"mode": "written"}}),
                (
                    city,
                    {
                        "step": "rectification_ordered",
                        "date": "2023-03-03",
                        "payload": {"deadline": "2023-06-30"},
                    },
                ),
                (own, {"step": "rectification_reported", "date": "2023-06-01", "payload": {}}),
                (city, {"step": "reinspected", "date": "2023-06-10", "payload": {"passed": True}}),
                (city, {"step": "closed", "date": "2023-06-11", "payload": {}}),
            ]
            for who, body in steps:
                if time.perf_counter() >= self.until:
                    break
                self.call(who, "GET", f"/api/v1/cases/{cid}")  # a reader in between
                r = self.call(
                    who, "POST", f"/api/v1/cases/{cid}/events", json=body,
                    headers={"If-Match": tag},
                )  # fmt: skip
                if r.status_code != 201:
                    break
                self.acked["advance"] += 1
                self.case_steps[cid] += 1
                tag = r.headers["ETag"]
            if rounds % 5 == 0:
                table = f"jurisdiction,year,amount\n{county},2023,{rng.randint(1, 500)}\n"
                r = self.call(
                    own, "POST", "/api/v1/submissions", data={"unit": county, "year": "2023"},
                    files=[("files", ("budgets.csv", table.encode()))],
                )  # fmt: skip
                if r.status_code == 201:
                    self.acked["submit"] += 1
                    self.subs.append(r.json()["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db", default=None, help="数据库 URL（默认临时 SQLite）")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="dudao-bench-service-"))
    settings = Settings(data=data, db=args.db, secret="bench")
    service = Service(settings)
    tokens: dict[str, str] = {}
    with service.begin() as conn:
        for name, unit in [("city", CITY), *[(c, c) for c in COUNTIES]]:
            a = acc.create_account(
                conn, username=f"bench-{name}", password=PASSWORD, unit=unit,
                roles=["staff"], hierarchy=service.hierarchy,
            )  # fmt: skip
            tokens[name] = acc.issue_token(conn, a)
        audit_before = audit.count(conn)
    service.close()

    port = free_port()
    env = {**os.environ, "DUDAO_DATA": str(data), "DUDAO_SECRET": "bench"}
    if args.db:
        env["DUDAO_DB"] = args.db
    server = subprocess.Popen(
        [sys.executable, "-c", "from dudao.cli import main; main()", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(url + "/api/v1/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        start = time.perf_counter()
        clients = [Client(i, url, tokens, start + args.seconds) for i in range(args.clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=60)

    latencies = sorted(x for c in clients for x in c.latencies)
    acked: Counter[str] = Counter()
    for c in clients:
        acked.update(c.acked)
    errors: Counter[int] = Counter()
    for c in clients:
        errors.update(c.errors)
    writes = sum(acked.values())

    service = Service(settings)
    lost = 0
    for c in clients:
        for cid, n in c.case_steps.items():
            if service.store.case(cid).state.count != n:
                lost += 1
    with service.read() as conn:
        stored = {r[0] for r in conn.execute(sa.select(submissions.c.id))}
        audit_rows = audit.count(conn) - audit_before
    lost += sum(1 for c in clients for sid in c.subs if sid not in stored)
    problems = service.store.verify()
    service.close()

    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    print(f"database: {'PostgreSQL' if args.db else 'SQLite'}; clients: {args.clients}; "
          f"duration: {elapsed:.1f} s; CPU cores: {os.cpu_count()}")  # fmt: skip
    print(f"requests: {len(latencies)} ({len(latencies) / elapsed:.0f}/s); "
          f"acknowledged writes: {writes} ({writes / elapsed:.0f}/s: "
          f"{acked['open']} 立案, {acked['advance']} steps, "
          f"{acked['submit']} submissions)")  # fmt: skip
    print(f"latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms; non-2xx answers: {dict(errors) or 0}")
    print(f"acknowledged writes lost: {lost}; audit rows {audit_rows} = writes {writes}: "
          f"{audit_rows == writes}; case store verify: {len(problems)} problems")  # fmt: skip
    if lost or audit_rows != writes or problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
