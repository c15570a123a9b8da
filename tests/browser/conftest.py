"""The browser tests' Chromium, driven by Playwright (one for the session)."""

from pathlib import Path

import pytest
from browsing import CHROMIUM


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (`apt-get install "
                    "chromium`, as `make test-browser` does) or set COURSEKIT_CHROMIUM to a Chromium binary.")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
        except Error as e:
            pytest.fail(f"Chromium at {CHROMIUM} could not start: {e}")
        try:
            yield b
        finally:
            b.close()
