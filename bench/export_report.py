"""Summary of bench/export.sh: reads its measures from the environment,
writes the JSON results file named on the command line, prints a table, and
exits non-zero when a target of issue 4 is missed."""

import datetime
import json
import os
import sys

env = os.environ
count, demo = int(env["COUNT"]), float(env["demo_seconds"])
rows, seconds, size = int(env["export_rows"]), float(env["export_seconds"]), int(env["csv_bytes"])
psql_rows, psql_seconds = int(env["psql_rows"]), float(env["psql_seconds"])
psql_size = int(env["psql_bytes"])
hwm_before, hwm_after = int(env["hwm_before"]), int(env["hwm_after"])
growth_mib = (hwm_after - hwm_before) / 1024
ratio = (rows / seconds) / (psql_rows / psql_seconds)
xlsx = json.loads(env["xlsx_json"])
if xlsx:
    xlsx["peak_growth_mib"] = round((xlsx["vmhwm_after_kib"] - xlsx["vmhwm_before_kib"]) / 1024, 1)
    xlsx["rows_per_second"] = round(rows / xlsx["seconds"])

result = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "note": "server, PostgreSQL, curl and psql share the machine",
    },
    "demo_data": {
        "rows": count,
        "seconds": round(demo, 1),
        "target_seconds": 120,
        "ok": demo < 120 or count < 1_000_000,
    },
    "csv_export": {
        "rows": rows,
        "bytes": size,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "mib_per_second": round(size / seconds / 2**20, 1),
    },
    "psql_copy": {
        "rows": psql_rows,
        "bytes": psql_size,
        "seconds": round(psql_seconds, 2),
        "rows_per_second": round(psql_rows / psql_seconds),
        "mib_per_second": round(psql_size / psql_seconds / 2**20, 1),
    },
    "throughput_ratio": {"value": round(ratio, 2), "target": 0.5, "ok": ratio >= 0.5},
    "server_rss": {
        "vmhwm_before_kib": hwm_before,
        "vmhwm_after_kib": hwm_after,
        "vmrss_before_kib": int(env["rss_before"]),
        "vmrss_after_kib": int(env["rss_after"]),
        "peak_growth_mib": round(growth_mib, 1),
        "target_mib": 32,
        "ok": growth_mib < 32,
    },
    "xlsx_export": xlsx,
}
with open(sys.argv[1], "w") as out:
    json.dump(result, out, indent=2)
    out.write("\n")

copy = "psql \\copy"
lines = [
    ("demo-data rows", f"{count:,}", ""),
    ("demo-data seconds", f"{demo:.1f}", "< 120 for 1,000,000"),
    ("CSV export rows", f"{rows:,}", f"= psql's {psql_rows:,}"),
    ("CSV export seconds", f"{seconds:.2f}", ""),
    ("CSV export rows/s", f"{rows / seconds:,.0f}", ""),
    ("CSV export MiB/s", f"{size / seconds / 2**20:.1f}", ""),
    (f"{copy} seconds", f"{psql_seconds:.2f}", ""),
    (f"{copy} rows/s", f"{psql_rows / psql_seconds:,.0f}", ""),
    ("throughput export / psql", f"{ratio:.2f}", ">= 0.5"),
    ("server VmHWM before (MiB)", f"{hwm_before / 1024:.1f}", ""),
    ("server VmHWM after (MiB)", f"{hwm_after / 1024:.1f}", ""),
    ("peak RSS growth, CSV (MiB)", f"{growth_mib:.1f}", "< 32"),
]
if xlsx:
    lines += [
        ("XLSX export seconds", f"{xlsx['seconds']:.1f}", ""),
        ("peak RSS growth, XLSX (MiB)", f"{xlsx['peak_growth_mib']:.1f}", ""),
    ]
print()
print(f"{'measure':<30}{'value':>14}  target")
for name, value, target in lines:
    print(f"{name:<30}{value:>14}  {target}")
print(f"\nwritten to {sys.argv[1]}")
ok = (
    result["throughput_ratio"]["ok"]
    and result["server_rss"]["ok"]
    and result["demo_data"]["ok"]
    and rows == psql_rows
)
sys.exit(0 if ok else 1)
