"""Rough edges a newcomer saw (issue 15) that only a browser's layout shows."""

from tests.e2e import steps


def test_the_forks_list_keeps_its_distance_from_the_code_below_it(page, site_url):
    parent = steps.paste(page, site_url, "print(1)\n", title="Parent")
    steps.open_fork_form(page)
    steps.save_fork(page, "print(2)\n")
    page.goto(parent)
    forks = page.locator("nav.revisions").bounding_box()
    code = page.locator(".code-view").first.bounding_box()
    assert code["y"] - (forks["y"] + forks["height"]) >= 12, (forks, code)


LOOK = "el => { const s = getComputedStyle(el); return [s.color, s.backgroundColor, s.textDecorationLine, s.borderTopWidth, s.fontSize]; }"


def test_side_by_side_and_the_patch_look_the_same_on_every_diff_page(page, site_url):
    """Links where a URL says it all (/diff/compare); the same form sent again where the texts were
    posted (the diff form, a posted review), shown as those links."""
    old = steps.snippet_id(steps.paste(page, site_url, "a = 1\nb = 2\n"))
    new = steps.snippet_id(steps.paste(page, site_url, "a = 1\nb = 3\n"))
    page.goto(f"{site_url}/diff/compare?left=/s/{old}/raw&right=/s/{new}/raw")
    side = page.get_by_role("link", name="Side by side")
    patch = page.get_by_role("link", name="Download .patch")
    looks = side.evaluate(LOOK)
    assert patch.evaluate(LOOK) == looks
    assert looks[2] == "underline" and looks[1] == "rgba(0, 0, 0, 0)"

    page.goto(f"{site_url}/diff/")
    page.locator("textarea[name=left]").fill("a = 1\nb = 2\n")
    page.locator("textarea[name=right]").fill("a = 1\nb = 3\n")
    with page.expect_navigation():
        page.get_by_role("button", name="Compare", exact=True).click()
    assert page.get_by_role("button", name="Side by side").evaluate(LOOK) == looks
    assert page.get_by_role("button", name="Download .patch").evaluate(LOOK) == looks

    page.goto(f"{site_url}/diff/review")
    page.locator("textarea[name=patch]").fill("--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n a = 1\n-b = 2\n+b = 3\n")
    with page.expect_navigation():
        page.get_by_role("button", name="Review", exact=True).click()
    assert page.get_by_role("button", name="Side by side").evaluate(LOOK) == looks
