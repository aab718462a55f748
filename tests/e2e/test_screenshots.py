"""The README's screenshots: the main pages, light and dark, desktop and phone (issue 15).

Each is taken in Chromium from the site as the Procfile serves it, into the run's screenshot
folder (``test-artifacts/screenshots``); ``make screenshots`` runs this file with
``E2E_SCREENSHOTS=docs/screenshots`` to refresh the README's. A screenshot is only taken of a
page that shows what it should: dark when dark, nothing sideways on a phone.
"""

import difflib
import re
import struct

import pytest

from tests.e2e.test_dark_and_phone import create

pytestmark = [pytest.mark.browser, pytest.mark.server]

DEVICES = {"desktop": {"width": 1200, "height": 800}, "phone": {"width": 360, "height": 740}}
THEMES = ("light", "dark")
# What the page is painted on: the body's background, else the root's, else the canvas's white.
BACKGROUND = """() => {
  for (const el of [document.body, document.documentElement]) {
    const colour = getComputedStyle(el).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
  }
  return "rgb(255, 255, 255)";
}"""

OLD = '''"""Greetings, in several languages."""

import datetime

GREETINGS = {"en": "Hello", "fr": "Bonjour", "de": "Hallo"}


def greet(name, language="en"):
    """Say hello to ``name``, in ``language`` when we know it."""
    word = GREETINGS.get(language, GREETINGS["en"])
    return f"{word}, {name}!"


def greet_everyone(names, language="en"):
    # one line per person, in the order given
    return "\\n".join(greet(name, language) for name in names)


if __name__ == "__main__":
    print(greet_everyone(["Ada", "Grace"], "fr"))
'''
NEW = OLD.replace('"de": "Hallo"}', '"de": "Hallo", "es": "Hola"}').replace(
    "    # one line per person, in the order given\n", "    # one line per person, sorted by name\n").replace(
    "for name in names)", "for name in sorted(names))")
PATCH = "diff --git a/greet.py b/greet.py\n" + "".join(difflib.unified_diff(
    OLD.splitlines(keepends=True), NEW.splitlines(keepends=True), "a/greet.py", "b/greet.py", n=1))


@pytest.fixture(scope="module")
def pages(site_url):
    """The pages the README shows, by screenshot name: site paths."""
    old = create(site_url, content=OLD, lexer="python", filename="greet.py", title="Greetings")
    new = create(site_url, content=NEW, lexer="python", filename="greet.py", title="Greetings, sorted")
    patch = create(site_url, content=PATCH, lexer="diff", filename="sorted.patch", title="Sort the greetings")
    return {
        "paste-form": "/",
        "snippet": f"/s/{old}#L8-L11",
        "compare": f"/diff/compare?left=/s/{old}/raw&right=/s/{new}/raw&view=side-by-side",
        "review": f"/diff/review?patch=/s/{patch}/raw",
        "playground": "/highlight/",
    }


def png_size(path):
    """(width, height) of a PNG, from its IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", ["paste-form", "snippet", "compare", "review", "playground"])
def test_each_main_page_is_photographed_as_it_looks(browser, site_url, pages, screenshot, screenshot_dir,
                                                    name, theme, device):
    context = browser.new_context(viewport=DEVICES[device], color_scheme=theme)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(site_url + pages[name])
        page.wait_for_load_state("networkidle")
        background = page.evaluate(BACKGROUND)
        channels = [float(n) for n in re.findall(r"[\d.]+", background)[:3]]
        assert (sum(channels) / 3 < 80) == (theme == "dark"), f"{name} in {theme}: background {background}"
        overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} on a {device} scrolls sideways by {overflow}px"
        screenshot(page, f"{name}-{theme}-{device}")
    finally:
        context.close()
    assert png_size(screenshot_dir / f"{name}-{theme}-{device}.png") == tuple(DEVICES[device].values())
