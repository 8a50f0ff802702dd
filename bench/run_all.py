"""Run every benchmark, each in its own process, and print their figures (`make bench`)."""
from __future__ import annotations

import subprocess
import sys

# Each module is runnable as `python -m bench.<module>` and writes var/bench/<module>.json.
BENCHMARKS: tuple[str, ...] = ("items_import", "orders_import", "autosync")


def main() -> int:
    failed = []
    for module in BENCHMARKS:
        print(f"\n=== bench.{module}", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{module}"]).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
