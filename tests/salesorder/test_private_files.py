"""var/ is owner-only: created so, and tightened when an earlier version left it open."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from salesorder.private_files import make_private_directory

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_folder_is_created_owner_only_whatever_the_umask(tmp_path) -> None:
    previous = os.umask(0o022)
    try:
        make_private_directory(tmp_path / "var")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "var") == 0o700


def test_a_world_readable_folder_and_its_files_are_tightened(tmp_path) -> None:
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    database = folder / "db.sqlite3"
    database.write_text("data")
    database.chmod(0o644)
    schedule = folder / "celerybeat-schedule"
    schedule.write_text("data")
    schedule.chmod(0o664)
    subfolder = folder / "bench"
    subfolder.mkdir(mode=0o775)
    folder.chmod(0o755)
    make_private_directory(folder)
    assert (mode(folder), mode(database), mode(schedule), mode(subfolder)) == (0o700, 0o600, 0o600, 0o700)


def test_starting_the_product_makes_its_var_folder_owner_only(tmp_path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    environment = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "VAR_DIR": str(var)}
    loose_umask = lambda: os.umask(0o022)  # noqa: E731 - what a shell without the scripts' umask has
    for _ in range(2):  # the second start tightens what the first one created
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, env=environment, check=True,
                       preexec_fn=loose_umask)
    assert mode(var) == 0o700
    assert mode(var / "db.sqlite3") == 0o600
