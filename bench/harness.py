"""What every benchmark shares: a fresh database, a sandbox store, and the figures it reports.

Each benchmark runs in its own process (`python -m bench.<name>`), so the peak memory reported is
that benchmark's alone. Figures: API requests (counted by the sandbox), wall time, database
statements (counted on the connection), peak resident memory of the process.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "var" / "bench"


def django_setup(*, database_name: str) -> None:
    """Configure Django on a fresh SQLite file (or DATABASE_URL when set) and migrate it."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesorder.settings")
    if "DATABASE_URL" not in os.environ:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        database_file = RESULTS_DIR / f"{database_name}.sqlite3"
        database_file.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database_file}"
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@dataclass
class Figures:
    """One measured run."""

    name: str
    api_requests: int = 0
    rate_limited_429: int = 0
    wall_seconds: float = 0.0
    database_statements: int = 0
    peak_memory_mb: float = 0.0
    extra: dict = field(default_factory=dict)


@contextmanager
def measured(name: str, sandbox_store) -> Iterator[Figures]:
    """Measure the block: the sandbox's request count, wall time and database statements."""
    from django.db import connection

    figures = Figures(name=name)
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    sandbox_store.reset_stats()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        yield figures
    figures.wall_seconds = round(time.perf_counter() - started, 2)
    stats = sandbox_store.stats()
    figures.api_requests = int(stats.get("total_requests", 0))
    figures.rate_limited_429 = int(stats.get("rate_limited", 0))
    figures.database_statements = statements
    figures.peak_memory_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def machine() -> str:
    """A one-line description of the machine, for the report."""
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, Python {platform.python_version()}"


def report(benchmark: str, runs: list[Figures]) -> None:
    """Print the figures and save them as JSON for bench.run_all to gather into docs/benchmarks.md."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": benchmark, "machine": machine(), "date": time.strftime("%Y-%m-%d"),
               "runs": [asdict(run) for run in runs]}
    (RESULTS_DIR / f"{benchmark}.json").write_text(json.dumps(payload, indent=2))
    print(f"\n{benchmark} — {payload['machine']} — {payload['date']}")
    header = f"{'run':<44} {'API req':>8} {'429s':>5} {'wall s':>8} {'DB stmts':>9} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for run in runs:
        print(f"{run.name:<44} {run.api_requests:>8} {run.rate_limited_429:>5} {run.wall_seconds:>8} "
              f"{run.database_statements:>9} {run.peak_memory_mb:>8}")
        for key, value in run.extra.items():
            print(f"    {key}: {value}")
