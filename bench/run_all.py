"""Run the benchmarks, each in its own processes, then write docs/benchmarks.md from their results files (`make bench`).

`python -m bench.run_all [--only NAME …] [-- ARGUMENTS]`: with --only, the named benchmarks run (with
the arguments after `--`, if given) and the page is written again from every results file there is.
"""
from __future__ import annotations

import argparse
import subprocess
import sys

from bench.harness import BASE_DIR
from bench.report import benchmarks_doc_write

# Each is runnable as `python -m bench.<name>` and writes docs/benchmark-results/<name>.json.
BENCHMARKS: tuple[str, ...] = ("items_import", "orders_import", "autosync", "twoway", "webhooks")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="after --: passed to each benchmark run")
    options = parser.parse_args()
    extra = [argument for argument in options.arguments if argument != "--"]
    failed = []
    for benchmark in options.only:
        print(f"\n=== bench.{benchmark}", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{benchmark}", *extra], cwd=BASE_DIR).returncode != 0:
            failed.append(benchmark)
    doc = benchmarks_doc_write(BENCHMARKS)
    print(f"\nFigures written to {doc.relative_to(BASE_DIR)}.")
    if failed:
        print(f"Missed a target or failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
