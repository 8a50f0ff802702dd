"""Running the project's scripts as an operator does: in their own process group, stopped after the test."""
from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
STOP_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_to_others(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (itself included) that its group or other users can reach."""
    paths = [folder, *folder.rglob("*")]
    return {str(path): oct(stat.S_IMODE(path.lstat().st_mode)) for path in paths
            if stat.S_IMODE(path.lstat().st_mode) & 0o077}


class Script:
    """A started script: its output so far, and a wait for a line in it."""

    def __init__(self, process: subprocess.Popen, output: Path) -> None:
        self.process = process
        self.output_file = output

    def output(self) -> str:
        return self.output_file.read_text(errors="replace")

    def wait_for(self, condition: Callable[[str], bool], *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self.output()):
                return
            if self.process.poll() is not None:
                pytest.fail(f"The script exited ({self.process.returncode}) before {what}:\n{self.output()[-4000:]}")
            time.sleep(0.3)
        pytest.fail(f"Timed out waiting for {what}:\n{self.output()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def run_script(tmp_path) -> Iterator[Callable[..., Script]]:
    """Start scripts/<name> with exactly the environment given (umask 022, as a login shell has)."""
    started: list[Script] = []

    def start(name: str, environment: dict[str, str]) -> Script:
        output = tmp_path / f"{name}.log"
        with output.open("w") as log:
            process = subprocess.Popen([str(BASE_DIR / "scripts" / name)], cwd=BASE_DIR, env=environment, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       preexec_fn=lambda: os.umask(0o022))
        script = Script(process, output)
        started.append(script)
        return script

    yield start
    for script in started:
        script.stop()
