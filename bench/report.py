"""docs/benchmarks.md from the results files in docs/benchmark-results/: every figure on the page comes from them."""
from __future__ import annotations

import json
from pathlib import Path
from string import Template

from bench.harness import BASE_DIR, RESULTS_DIR

TEMPLATE = Path(__file__).with_name("benchmarks.template.md")
DOC = BASE_DIR / "docs" / "benchmarks.md"


def results(benchmark: str) -> dict | None:
    """The benchmark's last results, or None if it has not been run."""
    path = RESULTS_DIR / f"{benchmark}.json"
    return json.loads(path.read_text()) if path.exists() else None


def summary_table(benchmarks: tuple[str, ...]) -> str:
    """Each benchmark's targets against what its last run measured."""
    lines = ["| what | target | measured | run |", "|---|---|---|---|"]
    for benchmark in benchmarks:
        found = results(benchmark)
        if found is None:
            lines.append(f"| `{benchmark}` | | not run yet: `python -m bench.{benchmark}` | |")
            continue
        lines += [f"| {row['what']} | {row['target']} | {row['measured']} | {found['date']}, {found['database']} |"
                  for row in found["summary"]]
    return "\n".join(lines)


def runs_section(benchmark: str) -> str:
    """The benchmark's runs, their figures and details, as its last results file has them."""
    found = results(benchmark)
    if found is None:
        return f"Not run yet: `python -m bench.{benchmark}` writes its figures here."
    lines = [
        f"Last run {found['date']} on {found['machine']}"
        + (f" (load average {found['load_average']} as it ended)" if "load_average" in found else "")
        + f"; {found['database']}, Celery broker {found['broker']}.",
        "",
        "| run | API requests | 429s | wall s | DB statements | peak MB (its own process) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    details = []
    for run in found["runs"]:
        lines.append(f"| {run['name']} | {run['api_requests']:,} | {run['rate_limited_429']} | {run['wall_seconds']} "
                     f"| {run['database_statements']:,} | {run['peak_memory_mb']} |")
        details.append(f"- *{run['name']}*: " + "; ".join(f"{key}: {value}" for key, value in run["extra"].items()))
    return "\n".join([*lines, "", *details])


def benchmarks_doc_write(benchmarks: tuple[str, ...]) -> Path:
    """Write docs/benchmarks.md from the template and the results files; its path."""
    text = Template(TEMPLATE.read_text()).substitute(
        summary=summary_table(benchmarks), **{benchmark: runs_section(benchmark) for benchmark in benchmarks})
    DOC.write_text(text)
    return DOC
