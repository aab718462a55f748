"""Accessibility (issue 15): axe-core finds no serious or critical violation on any page of the
site, light and dark, desktop and phone; and the keyboard works (skip link, tab order, visible
focus, Ctrl/Cmd+Enter submits a form).

axe-core comes from the npm registry, pinned by ``tests/e2e/axe/package-lock.json`` and installed
by ``make test`` (``make axe``); it is injected into each page of Debian's Chromium. Every page
is visited as its owner would see it (a browser session that pasted the snippets, so the edit,
delete and share pages answer), in a context per colour scheme and width, reused across pages.
"""

import re
import subprocess
import sys

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e import steps
from tests.e2e.test_dark_and_phone import contrast, create
from tests.servers import ROOT, running_site, site_environment

pytestmark = [pytest.mark.browser, pytest.mark.server]

AXE = ROOT / "tests" / "e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
VIEWPORTS = {"desktop": {"width": 1200, "height": 800}, "phone": {"width": 360, "height": 800}}
THEMES = ("light", "dark")
STYLE_COOKIE = "snippets_style"  # apps/snippets/apps.py

OLD = ("import os\n\n\ndef greet(name):\n    # say hello to someone\n    return 'Hello, ' + name + '!'\n\n"
       + "".join(f"x{i} = {i}  # number {i}\n" for i in range(20)))
NEW = OLD.replace("Hello", "Goodbye").replace("# say hello", "# say goodbye").replace("x5 = 5", "x5 = 'five'")
PATCH = ("--- a/greet.py\n+++ b/greet.py\n@@ -4,3 +4,3 @@\n def greet(name):\n-    # say hello to someone\n"
         "-    return 'Hello, ' + name + '!'\n+    # say goodbye to someone\n+    return 'Goodbye, ' + name + '!'\n")
MARKDOWN = ("# Notes\n\nSome `code`, a [link](https://example.com) and a list:\n\n- one\n- two\n\n"
            "```python\nx = 1\n```\n")

# The same axe run for every page: every rule axe has (WCAG 2.x A/AA and best practices).
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ")
                            + (n.failureSummary ? " — " + n.failureSummary.split("\\n")[1].trim() : ""))}));
}"""


@pytest.fixture(scope="package")
def axe_source():
    if not AXE.exists():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: run `make axe` (needs npm)")
    return AXE.read_text()


@pytest.fixture(scope="module")
def owner(browser, site_url):
    """A session that pasted a snippet (then edited it: revision 2) and a burn-after-reading one:
    its storage state, and the two ids."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    mine = steps.snippet_id(steps.paste(page, site_url, OLD, title="greeting", filename="greet.py", lexer="python"))
    page.goto(f"{site_url}/s/{mine}/edit")
    page.locator("textarea[name=content]").fill(NEW)
    with page.expect_navigation():
        page.get_by_role("button", name="Save revision").click()
    page.goto(site_url + "/")
    page.locator("textarea[name=content]").fill("a secret\n")
    page.get_by_label(re.compile("Burn after reading")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Paste").click()
    burn = re.search(r"/s/([\w-]+)/share", page.url).group(1)
    state = context.storage_state()
    context.close()
    return state, mine, burn


@pytest.fixture(scope="module")
def limited_site(tmp_path_factory):
    """A second site whose diff budget is one request a minute (for the 429 page), with a snippet
    whose lifetime has passed (for the 410 page): its URL and that snippet's id."""
    data_dir = tmp_path_factory.mktemp("a11y-site")
    # One worker: without Redis each worker counts apart.
    overrides = {"RATELIMIT_ENABLED": "true", "RATELIMIT_DIFF": "1/minute", "WEB_CONCURRENCY": "1"}
    with running_site(data_dir, **overrides) as url:
        expired = create(url, content="old news\n", expires="1h")
        set_past = ("from django.utils import timezone; from datetime import timedelta; "
                    "from apps.snippets.models import Snippet; "
                    f"Snippet.objects.filter(pk={expired!r}).update(expires_at=timezone.now() - timedelta(hours=1))")
        subprocess.run([sys.executable, "manage.py", "shell", "-c", set_past], cwd=ROOT,
                       env=site_environment(data_dir, **overrides), check=True)
        yield url, expired


@pytest.fixture(scope="module")
def paths(site_url, owner):
    """Every page of the site, by name: a path on the site (``None``: the limited site's pages)."""
    _, mine, burn = owner
    one = create(site_url, content=OLD, lexer="python", filename="greet.py")
    several = create(site_url, title="two files", files=[{"filename": "app.py", "content": OLD},
                                                         {"filename": "notes.md", "content": MARKDOWN}])
    markdown = create(site_url, content=MARKDOWN, filename="README.md")
    patch = create(site_url, content=PATCH, lexer="diff", filename="fix.patch")
    compare = f"/diff/compare?left=/s/{one}/raw&right=/s/{mine}/raw"
    return {
        "paste form": "/",
        "snippet": f"/s/{one}",
        "snippet, monokai picked": f"/s/{one}?style=monokai",  # a dark style in light mode
        "snippet, default picked": f"/s/{one}?style=default",  # a light style in dark mode
        "snippet with several files": f"/s/{several}",
        "markdown snippet": f"/s/{markdown}",
        "my snippet": f"/s/{mine}",
        "revision": f"/s/{mine}/1",
        "history": f"/s/{mine}/history",
        "edit": f"/s/{mine}/edit",
        "fork": f"/s/{one}/fork",
        "delete": f"/s/{mine}/delete",
        "report": f"/s/{one}/report",
        "share": f"/s/{burn}/share",
        "burn reveal step": f"/s/{burn}",  # a GET does not burn it
        "embed": f"/s/{one}/embed",
        "revisions compare": f"/s/{mine}/compare/1..2",
        "revisions compare side by side": f"/s/{mine}/compare/1..2",
        "patch review": f"/s/{patch}/review",
        "diff form": "/diff/",
        "diff compare": compare,
        "diff compare side by side": compare + "&view=side-by-side",
        "diff review form": "/diff/review",
        "playground": "/highlight/",
        "my snippets": "/mine",
        "404": "/s/no-such-snippet",
        "410": None,
        "429": None,
    }  # every name in PAGES


PAGES = ["paste form", "snippet", "snippet, monokai picked", "snippet, default picked", "snippet with several files",
         "markdown snippet", "my snippet", "revision", "history", "edit", "fork", "delete", "report", "share",
         "burn reveal step", "embed", "revisions compare", "revisions compare side by side", "patch review",
         "diff form", "diff compare", "diff compare side by side", "diff review form", "playground", "my snippets",
         "404", "410", "429"]


@pytest.fixture(scope="module")
def views(browser, owner):
    """One page per (theme, viewport), in the owner's session, kept for the module."""
    state = owner[0]
    opened, contexts = {}, []

    def view(theme, viewport):
        if (theme, viewport) not in opened:
            context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=theme, storage_state=state,
                                          bypass_csp=True)  # so that axe's script may be injected
            context.set_default_timeout(15_000)
            contexts.append(context)
            opened[theme, viewport] = context.new_page()
        return opened[theme, viewport]

    yield view
    for context in contexts:
        context.close()


def visit(page, site_url, paths, name, limited):
    if name == "410":
        url, expired = limited
        response = page.goto(f"{url}/s/{expired}")
    elif name == "429":
        url, _ = limited
        compare = f"{url}/diff/compare?left=/s/a/raw&right=/s/b/raw"
        page.goto(compare)
        response = page.goto(compare)
    else:
        response = page.goto(site_url + paths[name])
        if name.endswith("side by side") and name.startswith("revisions"):
            response = page.goto(page.url + "&view=side-by-side")
    return response


def violations(page, axe_source):
    page.wait_for_load_state("load")
    page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE)


def describe(found):
    return "\n".join(f"{v['impact']} {v['id']} ({v['help']}): {len(v['nodes'])} nodes\n    "
                     + "\n    ".join(v["nodes"][:8]) for v in found)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violation(views, site_url, paths, request, axe_source, name, theme, viewport):
    page = views(theme, viewport)
    limited = request.getfixturevalue("limited_site") if paths[name] is None else None
    try:
        response = visit(page, site_url, paths, name, limited)
    finally:
        page.context.clear_cookies(name=STYLE_COOKIE)  # a picked style is remembered: not for the next page
    expected = {"404": 404, "410": 410, "429": 429}.get(name, 200)
    assert response.status == expected, page.url
    if name != "embed":  # a frame in another site's page: the site's script is not there
        expect(page.locator("html")).to_have_class(re.compile(rf"\b{theme}\b"))
    found = [v for v in violations(page, axe_source) if v["impact"] in BLOCKING]
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
    assert page.url.endswith("#content")
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
