"""End-to-end fixtures: the composite served by the Procfile's gunicorn, and Debian's Chromium.

``site_url`` and ``browser`` live while this package runs (package scope: Playwright's sync API
allows one instance at a time, and other folders start their own). Each test gets a fresh
``page`` in its own browser context (its own cookies, so its own "My snippets"), 1200×800.
``watch`` records what must never happen on our pages: a dialog (an injected ``alert``), an
uncaught script error.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browsers import chromium_browser, require_chromium
from tests.servers import ROOT, running_site

VIEWPORT = {"width": 1200, "height": 800}

# Reported to the page by the browser itself; the init script below collects it.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture(scope="package")
def chromium():
    return require_chromium()


@pytest.fixture(scope="package")
def site_url(chromium, tmp_path_factory):
    """The composite, migrated, served by the Procfile's web command on a loopback port."""
    with running_site(tmp_path_factory.mktemp("e2e-site")) as url:
        yield url


@pytest.fixture(scope="package")
def browser(chromium):
    with chromium_browser() as browser:
        yield browser


@dataclass
class Watch:
    """What happened on a page that a visitor would not want: dialogs, script errors."""

    dialogs: list = field(default_factory=list)
    errors: list = field(default_factory=list)


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    yield context
    context.close()


@pytest.fixture
def page(context, watch):
    page = context.new_page()

    def on_dialog(dialog):
        watch.dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watch.errors.append(f"{error} on {page.url}"))
    return page


@pytest.fixture(scope="package")
def screenshot_dir():
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshot_dir):
    """``screenshot(page, "snippet")`` saves the viewport as ``snippet.png`` in the run's folder."""

    def take(page, name):
        page.wait_for_load_state("load")
        # No caret or focus ring, and every textarea shows its first lines.
        page.evaluate("() => { document.activeElement && document.activeElement.blur();"
                      " document.querySelectorAll('textarea').forEach(t => { t.scrollTop = 0; }); }")
        page.screenshot(path=screenshot_dir / f"{name}.png")

    return take
