"""Run every benchmark, each in its own process, print their figures and write docs/benchmark-results.md (`make bench`)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.harness import BASE_DIR, RESULTS_DIR

# Each module is runnable as `python -m bench.<module>` and writes var/bench/<module>.json.
BENCHMARKS: tuple[str, ...] = ("items_import", "orders_import", "autosync")
REPORT = BASE_DIR / "docs" / "benchmark-results.md"


def main() -> int:
    failed = []
    for module in BENCHMARKS:
        print(f"\n=== bench.{module}", flush=True)
        (RESULTS_DIR / f"{module}.json").unlink(missing_ok=True)
        if subprocess.run([sys.executable, "-m", f"bench.{module}"], cwd=BASE_DIR).returncode != 0:
            failed.append(module)
    REPORT.write_text(results_markdown())
    print(f"\nFigures written to {REPORT.relative_to(BASE_DIR)}.")
    if failed:
        print(f"Missed a target or failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def results_markdown() -> str:
    """The figures of the last run of every benchmark, as the tables docs/benchmarks.md explains."""
    database = os.environ.get("DATABASE_URL", "sqlite (a fresh file per benchmark)").split("://")[0]
    broker = "redis" if os.environ.get("REDIS_URL") else "embedded SQLite broker"
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench.run_all`); what each run means is in docs/benchmarks.md.",
        f"Database: {database}; Celery broker: {broker}.",
    ]
    for module in BENCHMARKS:
        path = RESULTS_DIR / f"{module}.json"
        lines += ["", f"## {module} (`python -m bench.{module}`)", ""]
        if not path.exists():
            lines.append("Did not finish: see the command's output.")
            continue
        result = json.loads(path.read_text())
        lines += [
            f"Machine: {result['machine']}; {result['date']}.",
            "",
            "| run | API requests | 429s | wall s | DB statements | peak MB |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        details = []
        for run in result["runs"]:
            lines.append(f"| {run['name']} | {run['api_requests']:,} | {run['rate_limited_429']} | {run['wall_seconds']} "
                         f"| {run['database_statements']:,} | {run['peak_memory_mb']} |")
            details += [f"- *{run['name']}*: " + "; ".join(f"{key}: {value}" for key, value in run["extra"].items())]
        lines += ["", *details]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
