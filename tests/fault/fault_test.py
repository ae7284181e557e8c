#!/usr/bin/env python3
"""Fault test of a real `rinasce` binary (standard library only).

1. kill -9 under concurrent submissions, on SQLite and on PostgreSQL: after a
   restart, every contribution that got a 201 is there.
2. PostgreSQL stopped under load: requests fail fast with 503 problem+json and
   Retry-After while it is down; the service recovers by itself, no restart.

Usage: fault_test.py BINARY POSTGRES_ADMIN_URL   (exit 1 on any failure)
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BINARY, PG_ADMIN = sys.argv[1], sys.argv[2]
SUBMISSION = json.dumps({
    "thematic_area": "mobilita-green",
    "title": "Più piste ciclabili sui viali",
    "body": "Testo del suggerimento: collegare i viali con una pista protetta.",
    "author": {"kind": "citizen", "given_name": "Maria", "family_name": "Rossi",
               "email": "maria.rossi@example.org", "quartiere": 2},
    "privacy_notice_accepted": True,
}).encode()


def fail(message):
    print(f"FAULT TEST FAILED: {message}", flush=True)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, data=None, token=None, timeout=10):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, lowercase(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, lowercase(error.headers), error.read()


def lowercase(headers):
    return {name.lower(): value for name, value in headers.items()}


class Server:
    def __init__(self, database_url, workdir):
        self.database_url, self.workdir, self.port = database_url, workdir, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def env(self):
        return dict(os.environ, DATABASE_URL=self.database_url, RINASCE_BIND=f"127.0.0.1:{self.port}",
                    RINASCE_MAIL="off", RINASCE_RATE_LIMIT_PER_MINUTE="100000", RUST_LOG="warn")

    def start(self):
        self.process = subprocess.Popen([BINARY, "serve"], env=self.env(), cwd=self.workdir,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if request(f"{self.base}/api/v1/status", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        fail(f"the server did not start on {self.database_url}")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def staff_token(self):
        out = subprocess.run([BINARY, "staff", "add", "--role", "moderator", "--email",
                              f"fault-{time.time_ns()}@example.org", "--name", "Fault"],
                             env=self.env(), cwd=self.workdir, capture_output=True, text=True, check=True)
        return out.stdout.strip().splitlines()[-1]


def submit_until(server, stop, accepted, errors):
    while not stop.is_set():
        try:
            status, _, body = request(f"{server.base}/api/v1/contributions", SUBMISSION, timeout=5)
        except OSError:
            continue  # the server is gone: connection refused or reset
        if status == 201:
            accepted.append(json.loads(body)["id"])
        elif status >= 500 and status != 503:
            errors.append(status)


def kill_under_load(name, database_url, workdir):
    server = Server(database_url, workdir)
    server.start()
    stop, accepted, errors = threading.Event(), [], []
    threads = [threading.Thread(target=submit_until, args=(server, stop, accepted, errors)) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    server.kill9()
    stop.set()
    for thread in threads:
        thread.join()
    if not accepted:
        fail(f"{name}: no submission was accepted before the kill")
    server.start()
    token = server.staff_token()
    missing = [i for i in accepted
               if request(f"{server.base}/api/v1/moderation/contributions/{i}", token=token)[0] != 200]
    server.stop()
    if missing or errors:
        fail(f"{name}: {len(missing)} of {len(accepted)} acknowledged contributions lost; server errors {errors[:5]}")
    print(f"{name}: kill -9 under load: all {len(accepted)} acknowledged contributions survived", flush=True)


def pg_cluster(action):
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True)


def postgres_outage(database_url, workdir):
    server = Server(database_url, workdir)
    server.start()
    try:
        pg_cluster("stop")
        time.sleep(0.5)
        for path in ["/api/v1/status", "/api/v1/indicators", "/api/v1/contributions"]:
            started = time.monotonic()
            data = SUBMISSION if path == "/api/v1/contributions" else None
            status, headers, body = request(f"{server.base}{path}", data, timeout=10)
            took = time.monotonic() - started
            if status != 503 or took > 5.0:
                fail(f"outage: {path} answered {status} after {took:.1f}s (want 503 within 5 s)")
            if "retry-after" not in headers or not headers.get("content-type", "").startswith("application/problem+json"):
                fail(f"outage: {path} 503 without Retry-After or problem+json: {headers}")
        print("postgres outage: 503 problem+json with Retry-After, within 5 s", flush=True)
    finally:
        pg_cluster("start")
    for _ in range(60):
        if request(f"{server.base}/api/v1/status", timeout=5)[0] == 200:
            break
        time.sleep(0.5)
    else:
        fail("outage: the service did not recover after PostgreSQL came back")
    status, _, _ = request(f"{server.base}/api/v1/contributions", SUBMISSION)
    server.stop()
    if status != 201:
        fail(f"outage: submission after recovery answered {status}")
    print("postgres outage: recovered without a restart", flush=True)


def main():
    with tempfile.TemporaryDirectory() as workdir:
        kill_under_load("sqlite", os.path.join(workdir, "fault.db"), workdir)
        database = f"rinasce_fault_{os.getpid()}"
        subprocess.run(["psql", f"{PG_ADMIN}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
        try:
            kill_under_load("postgres", f"{PG_ADMIN}/{database}", workdir)
            postgres_outage(f"{PG_ADMIN}/{database}", workdir)
        finally:
            subprocess.run(["psql", f"{PG_ADMIN}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"])
    print("fault test passed", flush=True)


if __name__ == "__main__":
    main()
