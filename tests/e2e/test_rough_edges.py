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
