#!/usr/bin/env python3
"""Failover test of a real `rinasce` binary (standard library only).

Builds its own PostgreSQL pair on this machine, never touching any other
cluster: a primary and a synchronous standby made with `pg_basebackup -R`,
each in a temporary directory on a free port of 127.0.0.1. The service runs
on a multi-host DATABASE_URL naming both, with target_session_attrs=read-write.
Under concurrent submissions the primary is killed (SIGKILL to every one of
its processes) and the standby promoted. The test checks that:

- every submission that got a 201 is on the new primary (synchronous commit);
- in between, the service answers 503 problem+json with Retry-After: never
  another status, never a hang (each request has a client timeout); so do
  the public reads running beside the submissions (or 200 from the figures
  they last had);
- it answers 201 again within 10 s of the promotion, by itself, and no
  single request takes longer than that;
- the mail worker survived: a submission made afterwards is acknowledged.

Usage: failover_test.py BINARY [SHARED_ADMIN_URL]   (exit 1 on any failure)
SHARED_ADMIN_URL names the machine's own cluster (CI's on 5432), which the test
must leave alone: its port is never one of the test's, and the test checks at
the end that it still answers. Environment: PG_BIN, the directory of initdb,
pg_ctl, pg_basebackup and psql (default: the newest /usr/lib/postgresql/*/bin).
As root (CI), the clusters run as the `postgres` OS user, since initdb refuses
root.

The test's clusters are stopped and their directories deleted on every exit,
failed or interrupted (SIGTERM, SIGINT, SIGHUP). A run killed with SIGKILL
leaves its pair behind; the next run stops and deletes it first (it knows
them by their directory's prefix and the dead pid written there).
"""
import ctypes
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.parse
import threading
import time
import urllib.error
import urllib.request

BINARY = sys.argv[1] if len(sys.argv) > 1 else None
SHARED_ADMIN_URL = sys.argv[2] if len(sys.argv) > 2 else None
RECOVERY_LIMIT = 10.0  # seconds from the promotion to the next 201
CLIENT_TIMEOUT = RECOVERY_LIMIT  # a request taking longer is a hang
CLUSTER_PREFIX = "rinasce-failover-pg-"
OWNER_FILE = "owner.pid"  # in a cluster root: the pid of the test that made it
LOAD_THREADS = 8  # submitting; one more reads
READS = ["/api/v1/contributions", "/api/v1/indicators", "/api/v1/thematic-areas"]
SUBMISSION = json.dumps({
    "thematic_area": "mobilita-green",
    "title": "Più piste ciclabili sui viali",
    "body": "Testo del suggerimento: collegare i viali con una pista protetta.",
    "author": {"kind": "citizen", "given_name": "Maria", "family_name": "Rossi",
               "email": "maria.rossi@example.org", "quartiere": 2},
    "privacy_notice_accepted": True,
}).encode()


def fail(message):
    print(f"FAILOVER TEST FAILED: {message}", flush=True)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_binaries():
    """The directory of the PostgreSQL server programs; fails loudly without them."""
    candidates = [os.environ["PG_BIN"]] if os.environ.get("PG_BIN") else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]))[-1:]
    for directory in candidates:
        needed = ["initdb", "pg_ctl", "pg_basebackup", "psql"]
        if all(os.access(os.path.join(directory, name), os.X_OK) for name in needed):
            return directory
    fail(f"PostgreSQL server programs (initdb, pg_ctl, pg_basebackup, psql) not found in "
         f"{candidates or '/usr/lib/postgresql/*/bin'}: install the Debian package "
         f"postgresql or set PG_BIN")


class Clusters:
    """A primary and its synchronous standby, owned by this test."""

    def __init__(self, root, reuse=False):
        self.bin = postgres_binaries()
        self.root = root
        self.as_root = os.geteuid() == 0
        self.primary = os.path.join(root, "primary")
        self.standby = os.path.join(root, "standby")
        if reuse:
            return
        with open(os.path.join(root, OWNER_FILE), "w") as owner:
            owner.write(str(os.getpid()))
        if self.as_root:
            if shutil.which("runuser") is None:
                fail("running as root needs runuser (util-linux) to run PostgreSQL as postgres")
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                fail("running as root needs the `postgres` OS user (Debian package postgresql)")
            os.chown(root, owner.pw_uid, owner.pw_gid)
        self.primary_port, self.standby_port = free_port(), free_port()
        shared = shared_port()
        if shared in (self.primary_port, self.standby_port):
            fail(f"port {shared} is the shared cluster's: not ours to use")

    def run(self, program, *args, check=True, capture=False):
        command = [os.path.join(self.bin, program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True)
        if check and result.returncode != 0:
            fail(f"{program} {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout if capture else None

    def sql(self, port, statement, database="postgres"):
        return self.run("psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database,
                        "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", statement, capture=True).strip()

    def configure(self, data, port):
        with open(os.path.join(data, "postgresql.conf"), "a") as conf:
            conf.write(f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.root}'\n"
                       "synchronous_commit = on\nhot_standby = on\n")

    def start(self, data):
        self.run("pg_ctl", "-D", data, "-l", f"{data}.log", "-w", "-t", "60", "start")

    def build(self):
        self.run("initdb", "-D", self.primary, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C", "--no-sync")
        self.configure(self.primary, self.primary_port)
        self.start(self.primary)
        self.sql(self.primary_port, "CREATE DATABASE rinasce")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", self.standby, "-R", "-X", "stream", "-c", "fast", "--no-sync")
        self.configure(self.standby, self.standby_port)
        self.start(self.standby)
        # Set after the copy, so the standby does not inherit it: promoted, it
        # must not wait for a standby of its own that does not exist.
        self.sql(self.primary_port, "ALTER SYSTEM SET synchronous_standby_names = '*'")
        self.sql(self.primary_port, "SELECT pg_reload_conf()")
        for _ in range(100):
            if self.sql(self.primary_port, "SELECT sync_state FROM pg_stat_replication") == "sync":
                return
            time.sleep(0.1)
        fail("the standby did not become synchronous")

    def kill_primary(self):
        """SIGKILL to the postmaster and every child: as if its machine died."""
        with open(os.path.join(self.primary, "postmaster.pid")) as pid_file:
            postmaster = int(pid_file.readline())
        victims = [postmaster] + children_of(postmaster)
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def promote(self):
        self.run("pg_ctl", "-D", self.standby, "-w", "-t", "60", "promote")

    def stop(self):
        for data in (self.standby, self.primary):
            if os.path.exists(os.path.join(data, "postmaster.pid")):
                self.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", check=False)


def shared_port():
    """The port of the cluster the test must not touch, if named."""
    if not SHARED_ADMIN_URL:
        return None
    return urllib.parse.urlsplit(SHARED_ADMIN_URL).port or 5432


def check_shared_cluster_untouched():
    port = shared_port()
    if port is None:
        return
    with socket.socket() as s:
        s.settimeout(5)
        if s.connect_ex(("127.0.0.1", port)) != 0:
            fail(f"the shared cluster on port {port} no longer answers")


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_clusters():
    """Stops and deletes the pairs of earlier runs that were SIGKILLed: only
    this test's directories, and only those whose test process is gone."""
    for root in glob.glob(os.path.join(tempfile.gettempdir(), f"{CLUSTER_PREFIX}*")):
        try:
            with open(os.path.join(root, OWNER_FILE)) as owner:
                if pid_alive(int(owner.read().strip())):
                    continue  # another run of this test, still going
        except (OSError, ValueError):
            # No owner yet: a run that died at once, or one just starting.
            if time.time() - os.path.getmtime(root) < 60:
                continue
        stale = Clusters(root, reuse=True)
        stale.stop()
        shutil.rmtree(root, ignore_errors=True)
        print(f"removed the clusters a killed run left in {root}", flush=True)


def on_signal(signum, _frame):
    # SystemExit unwinds through main's `finally`, which stops the clusters.
    fail(f"interrupted by signal {signum}")


def children_of(parent):
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    # The parent pid is the 2nd field after the parenthesised name.
                    fields = stat.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    children.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return children


def request(url, data=None, timeout=CLIENT_TIMEOUT):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},
                                 method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, lowercase(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, lowercase(error.headers), error.read()


def lowercase(headers):
    return {name.lower(): value for name, value in headers.items()}


class Load:
    """Concurrent submissions and reads; every answer is recorded with its time."""

    def __init__(self, base):
        self.base, self.stop, self.lock = base, threading.Event(), threading.Lock()
        self.answers = []  # (sent_at, status, headers, body) of submissions
        self.slowest = 0.0  # seconds, of any answered request
        self.reads = []  # (path, status, headers, body)
        self.problems = []

    def send(self, path, data):
        sent_at = time.monotonic()
        try:
            answer = request(f"{self.base}{path}", data)
            with self.lock:
                self.slowest = max(self.slowest, time.monotonic() - sent_at)
            return sent_at, answer
        except (OSError, TimeoutError) as error:  # a hang or a server gone
            with self.lock:
                self.problems.append(f"{path}: no answer after {time.monotonic() - sent_at:.1f} s: {error}")
            return sent_at, None

    def submit_until_stopped(self):
        while not self.stop.is_set():
            sent_at, answer = self.send("/api/v1/contributions", SUBMISSION)
            if answer:
                with self.lock:
                    self.answers.append((sent_at, *answer))
                if answer[0] == 503:
                    time.sleep(0.05)  # a client that was told to wait does not hammer

    def read_until_stopped(self):
        turn = 0
        while not self.stop.is_set():
            path = READS[turn % len(READS)]
            turn += 1
            _, answer = self.send(path, None)
            if answer:
                with self.lock:
                    self.reads.append((path, *answer))
            time.sleep(0.05)

    def __enter__(self):
        self.threads = [threading.Thread(target=self.submit_until_stopped) for _ in range(LOAD_THREADS)]
        self.threads.append(threading.Thread(target=self.read_until_stopped))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def accepted_since(self, moment):
        with self.lock:
            return [a for a in self.answers if a[1] == 201 and a[0] >= moment]


def die_with_parent():
    """In the server's process before exec: SIGKILL when this test dies,
    however it dies (Linux's PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def start_server(clusters, workdir):
    port = free_port()
    url = (f"postgres://postgres@127.0.0.1:{clusters.primary_port},127.0.0.1:{clusters.standby_port}"
           f"/rinasce?target_session_attrs=read-write&connect_timeout=2")
    env = dict(os.environ, DATABASE_URL=url, RINASCE_BIND=f"127.0.0.1:{port}",
               RINASCE_MAIL=f"file:{os.path.join(workdir, 'mail')}", RINASCE_MAIL_RETRY_MS="500",
               RINASCE_RATE_LIMIT_PER_MINUTE="1000000", RUST_LOG="warn")
    log = open(os.path.join(workdir, "server.log"), "w")
    process = subprocess.Popen([BINARY, "serve"], env=env, cwd=workdir, stdout=log, stderr=log,
                               preexec_fn=die_with_parent)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if request(f"{base}/api/v1/status", timeout=2)[0] == 200:
                return process, base
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    fail(f"the server did not start on {url}")


def check_unavailable(what, headers, body):
    problem_json = headers.get("content-type", "").startswith("application/problem+json")
    if not problem_json or "retry-after" not in headers or json.loads(body).get("status") != 503:
        fail(f"{what}: a 503 without problem+json or Retry-After: {headers} {body[:200]!r}")


def check_answers(load):
    if load.problems:
        fail(f"{len(load.problems)} requests had no answer, e.g. {load.problems[0]}")
    statuses = {}
    for _, status, headers, body in load.answers:
        statuses[status] = statuses.get(status, 0) + 1
        if status == 503:
            check_unavailable("a submission", headers, body)
        elif status != 201:
            fail(f"a submission answered {status}: {body[:300]!r}")
    if not statuses.get(503):
        fail("no 503 while the primary was gone: the outage was not exercised")
    for path, status, headers, body in load.reads:
        if status == 503:
            check_unavailable(path, headers, body)
        elif status != 200:
            fail(f"GET {path} answered {status}: {body[:300]!r}")
    return statuses


def main():
    if not BINARY:
        fail("usage: failover_test.py BINARY [SHARED_ADMIN_URL]")
    began = time.monotonic()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)
    remove_stale_clusters()
    cluster_root = tempfile.mkdtemp(prefix=CLUSTER_PREFIX)
    clusters = server = None
    try:
        clusters = Clusters(cluster_root)
        workdir = os.path.join(cluster_root, "service")  # the server's mail and log
        os.mkdir(workdir)
        clusters.build()
        server, base = start_server(clusters, workdir)
        with Load(base) as load:
            time.sleep(2.0)
            if not load.accepted_since(0):
                fail("no submission was accepted before the failover")
            clusters.kill_primary()
            killed_at = time.monotonic()
            time.sleep(1.0)  # the time it takes to decide to promote
            clusters.promote()
            promoted_at = time.monotonic()
            while not load.accepted_since(promoted_at):
                if time.monotonic() - promoted_at > RECOVERY_LIMIT:
                    fail(f"no 201 within {RECOVERY_LIMIT:.0f} s of the promotion")
                time.sleep(0.05)
            recovered_at = min(a[0] for a in load.accepted_since(promoted_at))
            time.sleep(1.0)  # and it keeps working
        statuses = check_answers(load)
        accepted = [json.loads(a[3])["id"] for a in load.answers if a[1] == 201]
        stored = set(clusters.sql(clusters.standby_port, "SELECT id FROM contributions",
                                  database="rinasce").split())
        lost = [i for i in accepted if i not in stored]
        if lost:
            fail(f"{len(lost)} of {len(accepted)} acknowledged submissions are not on the new primary")
        after = request(f"{base}/api/v1/contributions", SUBMISSION)
        if after[0] != 201:
            fail(f"a submission after the failover answered {after[0]}")
        contribution = json.loads(after[2])["id"]
        for _ in range(150):
            sent = clusters.sql(clusters.standby_port,
                                f"SELECT count(*) FROM outbox WHERE contribution_id = '{contribution}' "
                                "AND status = 'sent'", database="rinasce")
            if sent == "1":
                break
            time.sleep(0.1)
        else:
            fail("the acknowledgement of a submission after the failover was not sent: "
                 "the mail worker did not survive")
        print(f"failover: {len(accepted)} acknowledged submissions all on the promoted standby; "
              f"submissions answered {dict(sorted(statuses.items()))}, {len(load.reads)} reads "
              f"200 or 503; 201 again {recovered_at - promoted_at:.1f} s "
              f"after the promotion ({recovered_at - killed_at:.1f} s after the kill); "
              f"slowest answer {load.slowest:.1f} s; "
              f"mail worker alive; test took {time.monotonic() - began:.0f} s", flush=True)
    finally:
        # Signals wait until everything is stopped: a second SIGTERM must not
        # cut the clean-up short.
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        if server and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if clusters:
            clusters.stop()
        shutil.rmtree(cluster_root, ignore_errors=True)
    check_shared_cluster_untouched()
    print("failover test passed", flush=True)


if __name__ == "__main__":
    main()
