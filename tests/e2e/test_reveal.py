"""A burn-after-reading snippet in Chromium (issue 15): link-preview bots fetch its link and burn
nothing; the reader's first visit is the reveal step (no content), the Reveal button shows it
once, and the link is then a 404."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.steps import assert_nothing_injected

pytestmark = [pytest.mark.browser, pytest.mark.server]

SECRET = "the vault opens with 4-8-15-16\n"
TITLE = 'vault "notes" <b>'
BOTS = ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "facebookexternalhit/1.1", "Twitterbot/1.0")


def test_preview_bots_burn_nothing_and_the_reveal_button_shows_it_once(browser, page, site_url, watch, screenshot):
    page.goto(site_url + "/")
    page.get_by_label("Title").fill(TITLE)
    page.locator("textarea[name=content]").fill(SECRET)
    page.get_by_label(re.compile("Burn after reading")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Paste").click()
    assert re.search(r"/s/[\w-]+/share$", page.url), page.url
    link = page.locator(".share-link").input_value()

    for agent in BOTS:  # a chat unfurling the link: HEAD, then GET, of the page and its raw text
        assert httpx.head(link, headers={"User-Agent": agent}).status_code == 200
        unfurled = httpx.get(link, headers={"User-Agent": agent})
        assert unfurled.status_code == 200 and "4-8-15-16" not in unfurled.text and "vault" not in unfurled.text
        assert 'property="og:title" content="A burn-after-reading snippet"' in unfurled.text
        assert httpx.get(link + "/raw", headers={"User-Agent": agent}).status_code == 409

    reader = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        visit = reader.new_page()
        visit.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
        visit.goto(link)
        expect(visit.get_by_role("heading", level=1)).to_have_text("Burn after reading")
        expect(visit.locator("main")).to_contain_text("will be destroyed once it is shown")
        expect(visit.locator("main")).not_to_contain_text("4-8-15-16")
        assert visit.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
        screenshot(visit, "burn-reveal-step")
        with visit.expect_navigation():
            visit.get_by_role("button", name="Reveal the snippet").click()
        assert visit.url == link + "/reveal"
        expect(visit.locator("main")).to_contain_text("4-8-15-16")
        expect(visit.locator("main")).to_contain_text("now deleted")
        expect(visit.get_by_role("heading", level=1)).to_have_text(TITLE)  # text, not markup
        assert_nothing_injected(visit, watch)
        gone = visit.goto(link)
        assert gone.status == 404
        expect(visit.locator("main")).not_to_contain_text("4-8-15-16")
    finally:
        reader.close()
    assert httpx.get(link).status_code == 404
