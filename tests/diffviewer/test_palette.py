"""The diff viewer's colours, light and dark: every token colour and the text colour read at 4.5:1
(WCAG AA) or more on every background code is drawn on, and the line numbers on theirs.

The colours are CSS custom properties: the diff backgrounds in ``composite/static/site.css``, the
token palette in ``apps/diffviewer/static/diffviewer.css``, each light (``:root``) and dark
(``:root.dark``, and the same again under ``prefers-color-scheme: dark`` for pages without script).
axe-core checks the pages in the browser (tests/e2e/test_accessibility.py), but only the
pairs a page happens to show; this checks every pair.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = (ROOT / "composite" / "static" / "site.css").read_text()
DIFF = (ROOT / "apps" / "diffviewer" / "static" / "diffviewer.css").read_text()

CODE_BACKGROUNDS = ("paper", "add-line", "delete-line", "add-word", "delete-word", "moved-add", "moved-delete", "mark")
NUMBER_BACKGROUNDS = ("paper", "soft", "mark", "hunk")  # td.num: plain, beside a change, targeted; the hunk header
DECLARATION = re.compile(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b")


def rules(css, selector):
    """The custom properties of every rule whose selector is exactly ``selector``, in order."""
    found = {}
    for match in re.finditer(r"([^{}]+)\{([^{}]*)\}", css):
        if match.group(1).strip().split("\n")[-1].strip() == selector:
            found.update(DECLARATION.findall(match.group(2)))
    return found


def media_dark(css):
    """The custom properties set under ``@media (prefers-color-scheme: dark)``."""
    found = {}
    for block in re.findall(r"@media \(prefers-color-scheme: dark\) \{(.*?\})\s*\}", css, re.S):
        found.update(rules(block, ":root:not(.light)"))
    return found


def palette(theme):
    if theme == "light":
        return {**rules(SITE, ":root"), **rules(DIFF, ":root")}
    return {**rules(SITE, ":root.dark"), **rules(DIFF, ":root.dark")}


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_token_reads_on_every_code_background(theme):
    colours = palette(theme)
    tokens = sorted(name for name in colours if name.startswith("tok-"))
    assert len(tokens) >= 9 and all(name in colours for name in CODE_BACKGROUNDS), sorted(colours)
    poor = [f"{fg} {colours[fg]} on {bg} {colours[bg]}: {contrast(colours[fg], colours[bg]):.2f}"
            for fg in (*tokens, "ink") for bg in CODE_BACKGROUNDS if contrast(colours[fg], colours[bg]) < 4.5]
    assert poor == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_line_numbers_read_on_their_backgrounds(theme):
    colours = palette(theme)
    poor = [bg for bg in NUMBER_BACKGROUNDS if contrast(colours["muted"], colours[bg]) < 4.5]
    assert poor == []


def test_the_dark_palette_is_the_same_with_and_without_script():
    assert media_dark(SITE) == rules(SITE, ":root.dark")
    assert media_dark(DIFF) == rules(DIFF, ":root.dark")
