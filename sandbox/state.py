"""The state file: what merchants and tests changed (placed orders, statuses, labels, accounts), as JSON."""

import json
import os
import tempfile
from pathlib import Path

STATE_VERSION = 2  # 2: pricing set-ups, refunds, shipments, inventory, webhooks


def load_state(path: Path) -> dict | None:
    """The saved state, or None when the file does not exist yet; raises ValueError if it is not ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not a sandbox state file: {error}") from None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError(f"{path} is not a version {STATE_VERSION} sandbox state file (an older sandbox saved it, or it is "
                         "not one): delete it to start the store afresh, or give another --state file")
    return data


def save_state(path: Path, data: dict) -> None:
    """Write the state atomically (temporary file, then rename), so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({**data, "version": STATE_VERSION}, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
