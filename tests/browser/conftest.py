"""Browser tests: Playwright driving Debian's Chromium against a live server of the product."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# pytest-django's live_server runs in threads of this process; Playwright's sync API runs an event
# loop here too, so Django's async-safety guard must be relaxed for the test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach the internet, which is refused here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot(page, request):
    """Save a numbered full-page screenshot of the current step, in a folder named after the test."""
    folder = SCREENSHOTS / request.node.originalname
    folder.mkdir(parents=True, exist_ok=True)
    counter = {"step": 0}

    def take(name: str) -> Path:
        counter["step"] += 1
        path = folder / f"{counter['step']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
