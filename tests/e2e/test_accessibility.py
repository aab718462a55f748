"""Accessibility (issue 15): axe-core finds no serious or critical violation on any page of the
site, light and dark, desktop and phone; and the keyboard works (skip link, tab order, visible
focus, Ctrl/Cmd+Enter submits a form).

The pages, the owner's session that opens them and the axe run are ``a11y.py``'s (shared with
``axe_report.py``, which prints what axe finds as a table): a context per colour scheme and width,
reused across pages.
"""

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.a11y import (AXE, PATCH, PAGES, STATUS, STYLE_COOKIE, THEMES, VIEWPORTS, blocking, describe,
                            limited_site, open_view, page_paths, paste_as_owner, violations, visit)
from tests.e2e.test_dark_and_phone import contrast
from tests.servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="package")
def axe_source():
    if not AXE.exists():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: run `make axe` (needs npm)")
    return AXE.read_text()


@pytest.fixture(scope="module")
def owner(browser, site_url):
    """The owner's storage state, the id of a snippet they pasted and edited, and of a burn one."""
    return paste_as_owner(browser, site_url)


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """The site with a diff budget of one a minute (429) and an expired snippet (410)."""
    with limited_site(tmp_path_factory.mktemp("a11y-site")) as site:
        yield site


@pytest.fixture(scope="module")
def paths(site_url, owner):
    _, mine, burn = owner
    return page_paths(site_url, mine, burn)


@pytest.fixture(scope="module")
def views(browser, owner):
    """One page per (theme, viewport), in the owner's session, kept for the module."""
    opened = {}

    def view(theme, viewport):
        if (theme, viewport) not in opened:
            opened[theme, viewport] = open_view(browser, owner[0], theme, viewport)
        return opened[theme, viewport]

    yield view
    for page in opened.values():
        page.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violation(views, site_url, paths, request, axe_source, name, theme, viewport):
    page = views(theme, viewport)
    response = visit(page, site_url, paths, name, request.getfixturevalue("limited") if paths[name] is None else None)
    assert response.status == STATUS.get(name, 200), page.url
    if name != "embed":  # a frame in another site's page: the site's script is not there
        expect(page.locator("html")).to_have_class(re.compile(rf"\b{theme}\b"))
    found = blocking(violations(page, axe_source))
    assert not found, f"{name}, {theme}, {viewport} ({page.url}):\n{describe(found)}"


# -- the keyboard ------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  return {name: el.getAttribute("name") || el.id || el.textContent.trim().slice(0, 30),
          inMain: !!el.closest("main"), inHeader: !!el.closest(".site-header")};
}"""


@pytest.mark.parametrize("name", ["snippet", "history", "playground", "diff form", "patch review", "404"])
def test_the_first_tab_offers_to_skip_to_the_content(page, site_url, paths, name):
    page.goto(site_url + paths[name])
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10, box  # shown while it has the focus
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))  # waited for: the jump is not synchronous with the key
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"], focused  # the next stop is in the content, past the header


def test_tab_goes_from_the_text_through_its_options_to_paste(page, site_url):
    page.goto(site_url + "/")
    assert page.evaluate("document.body.firstElementChild.className") == "skip-link"  # before the header
    expect(page.locator("textarea[name=content]")).to_be_focused()
    expect(page.get_by_label("Content")).to_be_focused()
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert not focused["inHeader"], order  # the header is not interleaved with the form
        order.append(focused["name"])
        if focused["name"] == "Paste":
            break
    assert order == ["upload", "title", "filename", "lexer", "expires", "burn", "Paste"]


FOCUS_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {name: el.getAttribute("name") || el.textContent.trim(), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth), colour: style.outlineColor,
          page: getComputedStyle(document.body).backgroundColor};
}"""


@pytest.mark.parametrize("theme", THEMES)
def test_focus_is_visible_in_light_and_dark(browser, site_url, theme):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=theme)
    page = context.new_page()
    try:
        page.goto(site_url + "/no-such-page")  # a page without autofocus: Tab starts at the top
        rings = []
        for _ in range(2):  # the skip link, the header's first link
            page.keyboard.press("Tab")
            rings.append(page.evaluate(FOCUS_RING))
        page.goto(site_url + "/")
        page.locator("select[name=lexer]").focus()
        for _ in range(4):  # a select, a checkbox, the two buttons
            page.keyboard.press("Tab")
            rings.append(page.evaluate(FOCUS_RING))
        assert [ring["name"] for ring in rings] == ["Skip to content", "composite", "expires", "burn", "Paste",
                                                     "add"]
        for ring in rings:
            assert ring["outline"] != "none" and ring["width"] >= 2, ring
            assert contrast(ring["colour"], ring["page"]) >= 3, ring
    finally:
        context.close()


def test_ctrl_enter_sends_the_paste_fork_edit_diff_and_review_forms(page, site_url):
    page.goto(site_url + "/")
    page.locator("textarea[name=content]").fill("print('sent from the keyboard')\n")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert re.search(r"/s/[\w-]+$", page.url), page.url
    expect(page.locator(".code-view")).to_contain_text("sent from the keyboard")
    mine = steps.snippet_id(page.url)

    page.goto(f"{site_url}/s/{mine}/fork")
    page.locator("textarea[name=content]").fill("print('a fork')\n")
    with page.expect_navigation():
        page.keyboard.press("Meta+Enter")  # Cmd+Enter on a Mac
    assert re.search(r"/s/[\w-]+$", page.url) and steps.snippet_id(page.url) != mine, page.url
    expect(page.locator(".code-view")).to_contain_text("a fork")

    page.goto(f"{site_url}/s/{mine}/edit")
    page.locator("textarea[name=content]").fill("print('revision 2')\n")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    expect(page.locator(".code-view")).to_contain_text("revision 2")
    assert httpx.get(f"{site_url}/s/{mine}/2/raw", timeout=10).text == "print('revision 2')\n"

    page.goto(site_url + "/diff/")
    page.locator("textarea[name=left]").fill("a\nb\n")
    page.locator("textarea[name=right]").fill("a\nc\n")
    page.locator("select[name=context]").focus()  # from any field of the form
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    expect(page.locator("table.diff")).to_be_visible()

    page.goto(site_url + "/diff/review")
    page.locator("textarea[name=patch]").fill(PATCH)
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    expect(page.locator("table.diff")).to_be_visible()


def test_ctrl_enter_leaves_the_live_playground_alone(page, site_url):
    page.goto(site_url + "/highlight/")
    url = page.url
    page.locator("textarea[name=code]").press("Control+Enter")
    page.wait_for_timeout(300)  # a navigation would have begun by now
    assert page.url == url


# -- marks in every style -------------------------------------------------------------------------

SHOWN = """line => {
  const code = line.closest(".code-view").querySelector(".code .highlight");
  return {text: getComputedStyle(line).color, mark: getComputedStyle(line).backgroundColor,
          code: getComputedStyle(code).backgroundColor};
}"""


def test_a_marked_line_reads_in_every_style(page, site_url, paths):
    """The style's own highlight colour where its text reads on it; else that colour mixed toward
    the code's background until it does (coffee's, gruvbox's, one-dark's highlight is near their
    text colour). A style whose own text is under 4.5:1 on its background (solarized) is Pygments'."""
    page.goto(site_url + paths["snippet"])
    styles = page.locator(".style-picker select option").all_inner_texts()
    assert len(styles) > 30 and "coffee" in styles
    poor = []
    try:
        for style in styles:
            page.goto(f"{site_url}{paths['snippet']}?style={style}#L3-L4")
            line = page.locator("[id='L-3']")
            expect(line).to_have_class(re.compile(r"\bmarked\b"))
            shown = line.evaluate(SHOWN)
            assert shown["mark"] != shown["code"], (style, shown)  # the mark shows
            if contrast(shown["text"], shown["code"]) >= 4.5 and contrast(shown["text"], shown["mark"]) < 4.5:
                poor.append((style, shown))
        # Marking another line takes the mix off the lines no longer marked.
        page.goto(f"{site_url}{paths['snippet']}?style=coffee#L3-L4")
        expect(page.locator("[id='L-3']")).to_have_attribute("style", re.compile("background-color"))
        page.locator("[id='L8']").click()
        expect(page.locator("[id='L-8']")).to_have_attribute("style", re.compile("background-color"))
        for line in ("L-3", "L-4"):
            assert page.locator(f"[id='{line}']").evaluate("line => line.style.backgroundColor") == "", line
    finally:
        page.context.clear_cookies(name=STYLE_COOKIE)
    assert poor == []
