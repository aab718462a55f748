"""The site as a visitor meets it: paste, mark lines, fork, compare with the parent, take the patch.

One browser context per test, so "My snippets" holds exactly what that test created.
"""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import open_fork_form, paste, save_fork, snippet_id

pytestmark = [pytest.mark.browser, pytest.mark.server]

PARENT = "import math\n" + "".join(f"value_{n} = math.floor({n})  # line {n}\n" for n in range(2, 31))
FORK = PARENT.replace("value_15 = math.floor(15)", "value_15 = math.floor(fifteen)")
MARKED = re.compile(r"(^|\s)marked(\s|$)")


def marked_lines(page):
    return page.locator(".code-view .code .marked").evaluate_all("els => els.map(el => el.id)")


def test_paste_mark_lines_fork_compare_and_download_the_patch(page, watch, site_url, screenshot, tmp_path):
    """The journey of issue 5, step by step, ending with a patch GNU patch applies."""
    assert shutil.which("patch"), "GNU patch is needed to check the downloaded patch (apt-get install patch)"

    # Paste through the form.
    parent_url = paste(
        page, site_url, PARENT, title="Journey", filename="journey.py",
        before_submit=lambda: screenshot(page, "paste-form"),
    )

    # The snippet's page shows Pygments' spans, coloured by the style's stylesheet.
    code = page.locator(".code-view .highlight")
    expect(code.locator("span.kn").first).to_have_text("import")
    expect(code.locator("span.c1").first).to_have_text("# line 2")
    keyword, name = (code.locator(f"span.{kind}").first.evaluate("el => getComputedStyle(el).color") for kind in ("kn", "n"))
    assert keyword != name, "keywords and names have the same colour: the style's stylesheet did not apply"

    # A click on a line number puts #L5 in the URL and marks that line; shift-click marks a range.
    page.locator(".code-view .gutter #L5").click()
    expect(page).to_have_url(re.compile(r"#L5$"))
    expect(page.locator("#L-5")).to_have_class(MARKED)
    expect(page.locator(".code-view .gutter #L5")).to_have_class(MARKED)
    assert marked_lines(page) == ["L-5"]
    page.locator(".code-view .gutter #L8").click(modifiers=["Shift"])
    expect(page).to_have_url(re.compile(r"#L5-8$"))
    assert marked_lines(page) == ["L-5", "L-6", "L-7", "L-8"]
    screenshot(page, "snippet")
    page.reload()
    assert marked_lines(page) == ["L-5", "L-6", "L-7", "L-8"], "#L5-8 in the URL does not mark the range on load"

    # Fork it: the form starts from the parent, and saving makes a child that links back.
    open_fork_form(page)
    expect(page.get_by_label("Title")).to_have_value("Journey")
    expect(page.get_by_label("File name")).to_have_value("journey.py")
    assert page.locator("textarea[name=content]").input_value() == PARENT
    screenshot(page, "fork")
    fork_url = save_fork(page, FORK)
    assert fork_url != parent_url
    expect(page.locator(".revisions").get_by_role("link")).to_have_attribute("href", re.compile(snippet_id(parent_url) + "$"))

    # "compare with parent" opens the diff viewer on both raw texts, with word-level marks.
    with page.expect_navigation():
        page.get_by_role("link", name="compare with parent").click()
    assert "/diff/compare?" in page.url
    expect(page.locator(".stats")).to_contain_text("+1")
    expect(page.locator(".stats")).to_contain_text("−1")
    expect(page.locator("table.diff tr.delete del")).to_have_text("15")
    expect(page.locator("table.diff tr.add ins")).to_have_text("fifteen")
    expect(page.locator("table.diff tr.delete td.code")).to_have_text("value_15 = math.floor(15)  # line 15")
    screenshot(page, "diff-unified")

    # The patch downloads, and turns the parent's raw text into the fork's.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download .patch").click()
    assert download.value.suggested_filename.endswith(".patch")
    patch = tmp_path / download.value.suggested_filename
    download.value.save_as(patch)
    assert re.match(r"--- .*\n\+\+\+ .*\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@", patch.read_text()), patch.read_text()
    original, patched = tmp_path / "parent.txt", tmp_path / "patched.txt"
    original.write_bytes(page.request.get(parent_url + "/raw").body())
    subprocess.run(["patch", "--batch", "--silent", "--output", str(patched), str(original), str(patch)], check=True)
    fork_raw = page.request.get(fork_url + "/raw").body()
    assert patched.read_bytes() == fork_raw
    # A browser sends a textarea's lines with CRLF (HTML's form encoding); the text is otherwise ours.
    assert fork_raw.decode().replace("\r\n", "\n") == FORK

    # Both snippets are in this browser's "My snippets", newest first.
    page.goto(site_url + "/mine")
    links = page.locator("ul.mine li a")
    expect(links).to_have_count(2)
    assert [snippet_id(href) for href in links.evaluate_all("els => els.map(a => a.href)")] == [
        snippet_id(fork_url), snippet_id(parent_url)]
    screenshot(page, "my-snippets")

    assert watch.errors == [] and watch.dialogs == []


def test_compare_page_switches_to_side_by_side_and_unfolds_context(page, watch, site_url, screenshot):
    """From a fork's "compare with parent": side by side keeps the marks, folded runs open and close."""
    paste(page, site_url, PARENT, filename="sides.py")
    open_fork_form(page)
    save_fork(page, FORK)
    with page.expect_navigation():
        page.get_by_role("link", name="compare with parent").click()

    with page.expect_navigation():
        page.get_by_role("link", name="Side by side").click()
    assert "view=side-by-side" in page.url
    table = page.locator("table.diff.side-by-side")
    expect(table).to_be_visible()
    change = table.locator("tr", has=page.locator("del"))
    expect(change).to_have_count(1)
    expect(change.locator("td.code").nth(0)).to_have_text("value_15 = math.floor(15)  # line 15")
    expect(change.locator("td.code").nth(1)).to_have_text("value_15 = math.floor(fifteen)  # line 15")
    expect(change.locator("td.num").nth(0)).to_have_text("15")
    expect(change.locator("td.num").nth(1)).to_have_text("15")
    # The first row is a fold header; the line-number columns must still stay narrow.
    number_width = change.locator("td.num").nth(0).bounding_box()["width"]
    code_width = change.locator("td.code").nth(0).bounding_box()["width"]
    assert number_width < 100 < code_width, (number_width, code_width)
    screenshot(page, "diff-side-by-side")

    # Lines 1-11 are folded behind a button; it opens them and folds them again.
    expect(page.locator("#L1")).to_be_hidden()
    page.get_by_role("button", name="Show 11 unchanged lines").click()
    expect(page.locator("#L1")).to_be_visible()
    expect(page.locator("#R11")).to_be_visible()
    page.get_by_role("button", name="Hide unchanged lines").click()
    expect(page.locator("#L1")).to_be_hidden()

    # A link to a folded line opens its run; the way back to unified is offered.
    page.goto(page.url + "#R25")
    expect(page.locator("#R25")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Unified").click()
    expect(page.locator("table.diff.unified")).to_be_visible()

    assert watch.errors == [] and watch.dialogs == []
