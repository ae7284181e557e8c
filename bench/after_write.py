#!/usr/bin/env python3
"""The indicator right after a write: ROUNDS times, one submission then one
GET /api/v1/indicators, on one keep-alive connection each. Prints a RESULT
line like the wrk scripts: p95 and p99 of the GET, and `exact=1` when every
GET counted the submission just made (received went up by one each time).

    bench/after_write.py http://127.0.0.1:PORT [ROUNDS]
"""
import http.client
import json
import sys
import time
import urllib.parse

base = urllib.parse.urlsplit(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
writer = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
reader = http.client.HTTPConnection(base.hostname, base.port, timeout=30)


def received():
    started = time.perf_counter()
    reader.request("GET", "/api/v1/indicators")
    response = reader.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        sys.exit(f"after_write: GET /indicators answered {response.status}: {body[:200]!r}")
    return json.loads(body)["received"], elapsed


def submit(n):
    body = json.dumps({
        "thematic_area": "mobilita-green",
        "title": f"Una pista ciclabile protetta numero {n}",
        "body": "Collegare i viali con una pista ciclabile protetta, dalla stazione al parco.",
        "author": {"kind": "citizen", "given_name": "Maria", "family_name": "Rossi",
                   "email": f"bench.{n}@example.org", "quartiere": 2},
        "privacy_notice_accepted": True,
    })
    writer.request("POST", "/api/v1/contributions", body, {"Content-Type": "application/json"})
    response = writer.getresponse()
    answer = response.read()
    if response.status != 201:
        sys.exit(f"after_write: POST answered {response.status}: {answer[:200]!r}")


count, _ = received()
latencies, exact = [], True
for n in range(rounds):
    submit(n)
    now, elapsed = received()
    latencies.append(elapsed * 1000)
    exact = exact and now == count + 1
    count = now
latencies.sort()


def percentile(p):
    return latencies[min(len(latencies) - 1, int(round(p / 100 * len(latencies))) - 1)]


print(f"RESULT rps=0 p95_ms={percentile(95):.2f} p99_ms={percentile(99):.2f} non2xx=0 errors=0 exact={int(exact)}")
