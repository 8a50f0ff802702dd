"""The var/ folder holds the database, the broker, the beat schedule and credentials: owner-only, always."""
from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o077  # the group and other permission bits, cleared


def make_private_directory(directory: Path) -> None:
    """Create the folder owner-only, and take group and other access from it and from what it already holds.

    Files created inside later are out of other users' reach through the folder itself; the scripts
    also run with umask 077 so the files are owner-only on their own. Tightening what exists fixes
    folders that earlier versions created world-readable.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in (directory, *directory.iterdir()):
        _remove_group_and_other_access(path)


def _remove_group_and_other_access(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & OWNER_ONLY and not path.is_symlink():
            os.chmod(path, mode & ~OWNER_ONLY)
    except FileNotFoundError:  # removed meanwhile (another process's temporary file)
        pass
