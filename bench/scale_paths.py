#!/usr/bin/env python3
"""Prepares the read measures of bench/scale.sh on a loaded database: makes
RARE words findable (one published contribution each, sent and approved
through the API), then writes one file of request paths per measure into
OUT, for bench/paths.lua to GET in turn.

    bench/scale_paths.py http://127.0.0.1:PORT MODERATOR_TOKEN OUT
"""
import datetime
import http.client
import json
import pathlib
import random
import sys
import urllib.parse

base = urllib.parse.urlsplit(sys.argv[1])
token = sys.argv[2]
out = pathlib.Path(sys.argv[3])
connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
staff = {"Authorization": f"Bearer {token}"}

# Words no demo text uses; each ends up in exactly one published contribution.
RARE = ["zampogna", "ornitologia", "quadrifoglio", "girandola", "xilofono", "pergolato",
        "acquerello", "filodiffusione", "mongolfiera", "campanaro", "ciliegio", "falegnameria",
        "origami", "planetario", "rugiada", "scacchiera", "tamburello", "vendemmia",
        "zafferano", "lucciole"]
# Pairs of words the demo texts use often.
COMMON_PAIRS = ["affitti brevi", "pista ciclabile", "casa quartiere", "spazi verdi",
                "trasporto pubblico", "centro storico"]
MODERATION_FILTERS = {
    "mod_list": "",
    "mod_status": "status=pending",
    "mod_area": "thematic_area=mobilita-green",
    "mod_tag": "tag=periferie",
    "mod_quartiere": "quartiere=3",
    "mod_channel": "channel=paper",
    "mod_author_kind": "author_kind=cultural_association,trade_association",
}


def call(method, path, body=None, headers=None):
    headers = dict(headers or {})
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    connection.request(method, path, payload, headers)
    response = connection.getresponse()
    data = response.read()
    if response.status >= 300:
        sys.exit(f"scale_paths: {method} {path} answered {response.status}: {data[:300]!r}")
    return response, json.loads(data) if data else None


def publish_rare_words():
    for n, word in enumerate(RARE):
        response, created = call("POST", "/api/v1/contributions", {
            "thematic_area": "cultura-diffusa" if n % 2 else "mobilita-green",
            "title": f"Una proposta sul tema {word}",
            "body": f"Chiedo al Comune di pensare alla {word} nei giardini del quartiere.",
            "author": {"kind": "citizen", "given_name": "Lucia", "family_name": "Neri",
                       "email": f"rare.{n}@example.org", "quartiere": 1 + n % 5},
            "privacy_notice_accepted": True,
        })
        path = f"/api/v1/moderation/contributions/{created['id']}"
        response, _ = call("GET", path, headers=staff)
        call("PATCH", path, {"status": "approved"}, {
            **staff, "If-Match": response.getheader("ETag"),
            "Content-Type": "application/merge-patch+json"})


def published_ids(wanted):
    ids, cursor = [], None
    while len(ids) < wanted:
        query = "limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        _, page = call("GET", f"/api/v1/contributions?{query}")
        ids += [item["id"] for item in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return ids[:wanted]


def any_ids(wanted):
    _, page = call("GET", "/api/v1/moderation/contributions?limit=500&sort=received_at", headers=staff)
    items = [item["id"] for item in page["items"]]
    random.Random(7).shuffle(items)
    return items[:wanted]


def ten_days_after_the_first():
    """A window of ten days starting a week after the first contribution."""
    _, page = call("GET", "/api/v1/moderation/contributions?limit=1&sort=received_at", headers=staff)
    first = datetime.date.fromisoformat(page["items"][0]["received_at"][:10])
    start = first + datetime.timedelta(days=7)
    return f"received_from={start}T00:00:00Z&received_to={start + datetime.timedelta(days=10)}T00:00:00Z"


def write(name, paths):
    (out / f"{name}.txt").write_text("\n".join(paths) + "\n")


def search(prefix, words):
    return [f"{prefix}q={urllib.parse.quote_plus(w)}" for w in words]


publish_rare_words()
out.mkdir(parents=True, exist_ok=True)
write("public_list", ["/api/v1/contributions"])
write("public_q_rare", search("/api/v1/contributions?", RARE))
write("public_q_two", search("/api/v1/contributions?", COMMON_PAIRS))
write("public_one", [f"/api/v1/contributions/{i}" for i in published_ids(200)])
for name, query in MODERATION_FILTERS.items():
    write(name, [f"/api/v1/moderation/contributions?{query}"])
write("mod_dates", [f"/api/v1/moderation/contributions?{ten_days_after_the_first()}"])
write("mod_q_rare", search("/api/v1/moderation/contributions?", RARE))
write("mod_q_two", search("/api/v1/moderation/contributions?", COMMON_PAIRS))
write("similar", [f"/api/v1/moderation/contributions/{i}/similar" for i in any_ids(100)])
