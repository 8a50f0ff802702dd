"""What every benchmark shares: its database, a sandbox store in a child process, and each run measured in a fresh process.

A benchmark module is run as `python -m bench.<name>` (the parent): it starts the database and the
sandbox store, then runs each measurement as a child process of its own (`python -m bench.<name>
--run <run> …`), so the peak memory reported for a run is that run's process alone. Figures: API
requests (counted by the sandbox), wall time, database statements (counted on the connection),
peak resident memory. The parent saves them to docs/benchmark-results/<name>.json, from which
`make bench` writes docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench"  # benchmark databases and each run's figures on their way to the parent
RESULTS_DIR = BASE_DIR / "docs" / "benchmark-results"  # one JSON file per benchmark: what the doc is written from


def django_setup(*, database_name: str, fresh: bool) -> None:
    """Configure Django on the benchmark's database: SQLite in var/bench/ unless DATABASE_URL names one.

    `fresh` (the parent) starts it empty and migrated; a run's child process then uses it as it is.
    """
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesorder.settings")
    WORK_DIR.mkdir(parents=True, exist_ok=True)  # each run's figures pass through it, whatever the database
    if "DATABASE_URL" not in os.environ:
        database_file = WORK_DIR / f"{database_name}.sqlite3"
        if fresh:
            database_file.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database_file}"  # the children inherit it
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # a worker runs with DEBUG off: Django then keeps no copy of every statement sent
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


class Sandbox:
    """A sandbox store reached over HTTP, with the request counters the figures read."""

    def __init__(self, api_path: str, api_key: str) -> None:
        self.api_path, self.api_key = api_path, api_key
        self.base_url = api_path.split("/stores/")[0]
        self.host_port = self.base_url.removeprefix("http://")

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.base_url}/_sandbox/stats") as response:
            return json.load(response)

    def reset_stats(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.base_url}/_sandbox/stats/reset", data=b"{}",
                                                      method="POST")).close()

    def allow(self) -> None:
        """Let the product contact this store (as BIGCOMMERCE_EXTRA_API_HOSTS does)."""
        from django.conf import settings

        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [self.host_port]


class SandboxProcess(Sandbox):
    """A sandbox store serving from a child process started with `script`, which prints 'API_PATH API_KEY'."""

    def __init__(self, script: str, *arguments: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", script, *arguments], cwd=BASE_DIR,
                                        stdout=subprocess.PIPE, text=True)
        super().__init__(*self.process.stdout.readline().split())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


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
def measured(name: str, sandbox: Sandbox) -> Iterator[Figures]:
    """Measure the block: the sandbox's request count, wall time, database statements, the process's peak memory."""
    from django.db import connection

    figures = Figures(name=name)
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    sandbox.reset_stats()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        yield figures
    figures.wall_seconds = round(time.perf_counter() - started, 2)
    stats = sandbox.stats()
    figures.api_requests = int(stats.get("total_requests", 0))
    figures.rate_limited_429 = int(stats.get("rate_limited", 0))
    figures.database_statements = statements
    figures.peak_memory_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure_in_fresh_process(benchmark: str, run: str, sandbox: Sandbox, *arguments: str) -> Figures:
    """Run one measurement as a process of its own (`python -m bench.<benchmark> --run <run> …`); its figures."""
    figures_file = WORK_DIR / f"{benchmark}-{run}.json"
    figures_file.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", f"bench.{benchmark}", "--run", run, "--sandbox", sandbox.api_path,
                    sandbox.api_key, *arguments], cwd=BASE_DIR, check=True)
    return Figures(**json.loads(figures_file.read_text()))


def benchmark_main(benchmark: str, *, description: str, add_arguments: Callable[[argparse.ArgumentParser], None],
                   runs: dict[str, Callable[[Sandbox, argparse.Namespace], Figures]],
                   parent: Callable[[argparse.Namespace], tuple[list[Figures], list[dict]]]) -> int:
    """The entry point of `python -m bench.<benchmark>`: the parent, or (with --run) one run's child process."""
    parser = argparse.ArgumentParser(description=description)
    add_arguments(parser)
    parser.add_argument("--run", choices=sorted(runs), help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", nargs=2, metavar=("API_PATH", "API_KEY"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.run:
        django_setup(database_name=benchmark, fresh=False)
        sandbox = Sandbox(*options.sandbox)
        sandbox.allow()
        figures = runs[options.run](sandbox, options)
        (WORK_DIR / f"{benchmark}-{options.run}.json").write_text(json.dumps(asdict(figures)))
        return 0
    django_setup(database_name=benchmark, fresh=True)
    measured_runs, summary = parent(options)
    report(benchmark, measured_runs, summary)
    return 0 if all(run.extra.get("meets targets", True) for run in measured_runs) else 1


def machine() -> str:
    """A one-line description of the machine, for the report."""
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, Python {platform.python_version()}"


def database_description() -> str:
    """Which database the figures were measured on, with its version."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    connection.ensure_connection()
    return f"{connection.display_name} {connection.cursor().connection.info.server_version}"


def report(benchmark: str, runs: list[Figures], summary: list[dict]) -> None:
    """Print the figures and save them, with the target rows `summary`, as docs/benchmark-results/<benchmark>.json."""
    from django.conf import settings

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": benchmark, "machine": machine(), "date": time.strftime("%Y-%m-%d"),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine slows the wall times
        "database": database_description(),
        "broker": settings.CELERY_BROKER_URL.split("://")[0].split("+")[0],
        "summary": summary, "runs": [asdict(run) for run in runs],
    }
    (RESULTS_DIR / f"{benchmark}.json").write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\n{benchmark} — {payload['machine']} — {payload['date']}")
    header = f"{'run':<44} {'API req':>8} {'429s':>5} {'wall s':>8} {'DB stmts':>9} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for run in runs:
        print(f"{run.name:<44} {run.api_requests:>8} {run.rate_limited_429:>5} {run.wall_seconds:>8} "
              f"{run.database_statements:>9} {run.peak_memory_mb:>8}")
        for key, value in run.extra.items():
            print(f"    {key}: {value}")
