"""Debian's Chromium, driven by Playwright, the one way every browser test starts it.

Never a browser of Playwright's own: tests skip, saying why, where ``/usr/bin/chromium`` is
missing (CI installs it with apt-get).
"""

import contextlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def require_chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install chromium); browser tests need it")
    return str(CHROMIUM)


@contextlib.contextmanager
def chromium_browser():
    """A headless Chromium for the length of the ``with`` block."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
