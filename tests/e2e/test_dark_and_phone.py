"""Dark mode and phones (issue 15): every main page of the three apps, in Chromium at 360×800.

Dark mode follows ``prefers-color-scheme`` (emulated here) unless the visitor used the header's
toggle, which is remembered; code takes a dark Pygments style unless the visitor chose one, and
marks take the active style's own highlight colour. On a phone nothing scrolls sideways but code,
and side by side shows one column (with a button for both).
"""

import re

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"width": 360, "height": 800}
OLD = "import os\n\ndef greet(name):\n    # say hello\n    return 'Hello, ' + name + '!'\n" + "".join(
    f"x{i} = {i}\n" for i in range(30))
NEW = OLD.replace("Hello", "Goodbye").replace("x5 = 5", "x5 = 'a line much longer than the old one, so that it wraps'")
PATCH = ("--- a/greet.py\n+++ b/greet.py\n@@ -3,3 +3,3 @@\n def greet(name):\n     # say hello\n"
         "-    return 'Hello, ' + name + '!'\n+    return 'Goodbye, ' + name + '!'\n")

# The background a person sees behind an element: its own, else the nearest ancestor's.
BACKGROUND = """el => {
  for (; el; el = el.parentElement) {
    const colour = getComputedStyle(el).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
  }
  return "rgb(255, 255, 255)";
}"""


def rgb(css):
    return tuple(int(float(n)) for n in re.findall(r"[\d.]+", css)[:3])


def luminance(css):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def is_dark(css):
    return luminance(css) < 0.05


def create(site_url, **snippet):
    response = httpx.post(site_url + "/api/snippets", json=snippet, timeout=15)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture(scope="module")
def paths(site_url):
    """The main pages of the site, by name: site paths."""
    old = create(site_url, content=OLD, lexer="python", filename="greet.py")
    new = create(site_url, content=NEW, lexer="python", filename="greet.py")
    several = create(site_url, title="two files", files=[{"filename": "app.py", "content": OLD},
                                                         {"filename": "notes.md", "content": "# Notes\n\nSome `code`.\n"}])
    patch = create(site_url, content=PATCH, lexer="diff", filename="fix.patch")
    compare = f"/diff/compare?left=/s/{old}/raw&right=/s/{new}/raw"
    return {
        "paste form": "/",
        "snippet": f"/s/{old}",
        "multi-file snippet": f"/s/{several}",
        "playground": "/highlight/",
        "diff form": "/diff/",
        "compare unified": compare,
        "compare side by side": compare + "&view=side-by-side",
        "review": f"/diff/review?patch=/s/{patch}/raw",
        "my snippets": "/mine",
        "404": "/s/no-such-snippet",
    }


def phone(browser, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def dark_phone(browser):
    context = phone(browser, "dark")
    yield context.new_page()
    context.close()


@pytest.fixture
def light_phone(browser):
    context = phone(browser, "light")
    yield context.new_page()
    context.close()


PAGES = ["paste form", "snippet", "multi-file snippet", "playground", "diff form", "compare unified",
         "compare side by side", "review", "my snippets", "404"]


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(light_phone, site_url, paths, name):
    light_phone.goto(site_url + paths[name])
    expect(light_phone.locator(".site-header .theme-toggle")).to_be_visible()
    assert light_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_dark_with_readable_text_when_the_system_is(dark_phone, site_url, paths, name):
    dark_phone.goto(site_url + paths[name])
    page_background = dark_phone.locator("body").evaluate(BACKGROUND)
    text = dark_phone.locator("body").evaluate("el => getComputedStyle(el).color")
    assert is_dark(page_background), page_background
    assert contrast(text, page_background) >= 4.5, (text, page_background)
    for paragraph in dark_phone.locator("main p, main label, main h1").all()[:20]:
        colour = paragraph.evaluate("el => getComputedStyle(el).color")
        assert contrast(colour, paragraph.evaluate(BACKGROUND)) >= 4.5, (paragraph.inner_text()[:40], colour)
    assert dark_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def gutter_number(page, number_id):
    """The colour a gutter number shows: its own, over the code's background at its opacity."""
    number = page.locator(f"[id='{number_id}']")
    colour = rgb(number.evaluate("el => getComputedStyle(el).color"))
    opacity = float(number.evaluate("el => getComputedStyle(el).opacity"))
    behind = rgb(number.evaluate(BACKGROUND))
    return "rgb(%d, %d, %d)" % tuple(round(opacity * a + (1 - opacity) * b) for a, b in zip(colour, behind))


def test_code_is_dark_in_dark_mode_and_a_marked_line_stands_out_across_the_row(dark_phone, site_url, paths):
    dark_phone.goto(site_url + paths["snippet"] + "#L3-L4")
    code = dark_phone.locator(".code-view .highlight")
    code_background = code.evaluate(BACKGROUND)
    assert is_dark(code_background), code_background
    line = dark_phone.locator("#L-3")
    expect(line).to_have_class(re.compile(r"\bmarked\b"))
    mark = line.evaluate(BACKGROUND)
    assert rgb(mark) != rgb(code_background)
    # The mark spans the row, not only the text; the gutter shows the code's own background.
    assert line.evaluate("el => el.getBoundingClientRect().width") >= dark_phone.locator(".code-view .code").evaluate(
        "el => el.clientWidth") - 1
    gutter_behind = dark_phone.locator(".code-view .gutter").evaluate(BACKGROUND)
    assert rgb(gutter_behind) == rgb(code_background)
    assert contrast(gutter_number(dark_phone, "L7"), code_background) >= 4.5


def test_the_playground_previews_in_a_dark_style_until_one_is_picked(dark_phone, site_url, paths):
    dark_phone.goto(site_url + paths["playground"])
    preview = dark_phone.locator("#preview .highlight")
    expect(preview).to_be_visible()
    assert is_dark(preview.evaluate(BACKGROUND))
    dark_phone.locator("select[name=style]").select_option("default")
    dark_phone.wait_for_function("() => !document.getElementById('style-css-dark')")
    expect(preview).to_be_visible()
    assert not is_dark(dark_phone.locator("#preview .highlight").evaluate(BACKGROUND))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_chosen_style_is_kept_and_its_marks_stay_readable(browser, site_url, paths, scheme):
    context = phone(browser, scheme)
    page = context.new_page()
    try:
        page.goto(site_url + paths["snippet"] + "?style=monokai#L3-L5")
        code_background = page.locator(".code-view .highlight").evaluate(BACKGROUND)
        assert rgb(code_background) == (0x27, 0x28, 0x22)  # monokai's own, in either mode
        line = page.locator("#L-3")
        expect(line).to_have_class(re.compile(r"\bmarked\b"))
        mark = line.evaluate(BACKGROUND)
        assert rgb(mark) == (0x49, 0x48, 0x3E)  # monokai's highlight colour
        text = line.evaluate("el => getComputedStyle(el).color")
        assert contrast(text, mark) >= 3, (text, mark)
        for name in ("greet", "def"):  # a name and a keyword on the marked line
            colour = line.get_by_text(name, exact=True).evaluate("el => getComputedStyle(el).color")
            assert contrast(colour, mark) >= 3, (name, colour, mark)
        assert contrast(gutter_number(page, "L7"), code_background) >= 4.5
    finally:
        context.close()


def test_the_toggle_switches_and_is_remembered(light_phone, site_url, paths):
    page = light_phone
    page.goto(site_url + paths["snippet"])
    toggle = page.locator(".site-header .theme-toggle")
    assert not is_dark(page.locator("body").evaluate(BACKGROUND))
    toggle.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    assert is_dark(page.locator("body").evaluate(BACKGROUND))
    assert is_dark(page.locator(".code-view .highlight").evaluate(BACKGROUND))
    expect(toggle).to_have_attribute("aria-pressed", "true")

    for path in (paths["snippet"], paths["playground"], paths["compare unified"]):  # every app remembers it
        page.goto(site_url + path)
        expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
        assert is_dark(page.locator("body").evaluate(BACKGROUND))
    assert {"name": "theme", "value": "dark"}.items() <= next(
        c for c in page.context.cookies() if c["name"] == "theme").items()

    page.locator(".site-header .theme-toggle").click()
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\blight\b"))
    assert not is_dark(page.locator("body").evaluate(BACKGROUND))


def test_side_by_side_shows_one_column_on_a_phone_with_a_way_back(light_phone, site_url, paths):
    page = light_phone
    page.goto(site_url + paths["compare side by side"])
    unchanged = page.locator("table.diff tbody:not([hidden]) > tr.context").first
    expect(unchanged.locator("td.code").nth(0)).to_be_visible()
    expect(unchanged.locator("td.code").nth(1)).to_be_hidden()  # an unchanged line once, as unified shows it
    changed = page.locator("table.diff tr.change").first
    assert changed.locator("td.code").nth(1).evaluate("el => el.getBoundingClientRect().width") > 250

    page.get_by_role("button", name="Side by side anyway").click()
    expect(unchanged.locator("td.code").nth(1)).to_be_visible()
    page.reload()
    expect(unchanged.locator("td.code").nth(1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name=re.compile("One column")).click()
    expect(unchanged.locator("td.code").nth(1)).to_be_hidden()
