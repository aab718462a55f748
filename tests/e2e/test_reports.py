"""Reports and take-down in a real browser: a visitor reports a snippet from its page, an
admin finds the report in the queue and removes the snippet, and its page then says removed.

The site is its own gunicorn here (not the package's), so that an admin account can be made
in its database before it starts.
"""

import re
import secrets
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import paste, snippet_id
from tests.servers import (
    ROOT,
    free_port,
    migrate,
    procfile_command,
    running,
    site_environment,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

ADMIN = f"moderator-{secrets.token_hex(4)}"  # unique, in case DATABASE_URL is a shared PostgreSQL
PASSWORD = secrets.token_urlsafe(16)


@pytest.fixture(scope="module")
def moderated_site(chromium, tmp_path_factory):
    """The Procfile's site, migrated, with one admin account: yields its URL."""
    data_dir = tmp_path_factory.mktemp("reports-site")
    env = site_environment(data_dir)
    migrate(env)
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", ADMIN, "--email", "m@example.com"],
        cwd=ROOT, env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}, check=True, capture_output=True,
    )
    port = free_port()
    with running(procfile_command(), env, port, data_dir / "gunicorn.log"):
        yield f"http://127.0.0.1:{port}"


def test_a_visitor_reports_a_snippet_and_an_admin_takes_it_down(browser, context, page, moderated_site, watch):
    site = moderated_site
    url = paste(page, site, "Call 555-0100 and ask for the admin password\n", title="Doxx")
    reported = snippet_id(url)

    # The visitor reports it from its page.
    with page.expect_navigation():
        page.locator(".actions").get_by_role("link", name="report", exact=True).click()
    page.get_by_label("Personal data or doxxing").check()
    page.get_by_label(re.compile("Details")).fill("a phone number and a name")
    with page.expect_navigation():
        page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("Your report was sent")

    # An admin, in another browser, finds it in the queue and removes the snippet.
    admin_context = browser.new_context()
    admin = admin_context.new_page()
    try:
        admin.goto(f"{site}/admin/login/?next=/admin/snippets/report/")
        admin.get_by_label("Username").fill(ADMIN)
        admin.get_by_label("Password").fill(PASSWORD)
        with admin.expect_navigation():
            admin.get_by_role("button", name="Log in").click()
        row = admin.locator("#result_list tbody tr").filter(has_text=reported)
        expect(row).to_contain_text("Personal data or doxxing")
        expect(row).to_contain_text("a phone number and a name")
        row.locator("input[name=_selected_action]").check()
        admin.locator("select[name=action]").select_option("take_down")
        with admin.expect_navigation():
            admin.get_by_role("button", name="Go").click()
        expect(admin.locator(".messagelist")).to_contain_text("1 snippet(s) removed")
        expect(admin.locator("#result_list")).to_have_count(0)  # the queue is empty
    finally:
        admin_context.close()

    # The snippet's page now says it was removed, and why.
    response = page.goto(url)
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This snippet was removed")
    expect(page.get_by_role("status")).to_contain_text("personal data or doxxing")
    assert "555-0100" not in page.content()
    assert watch.errors == [] and watch.dialogs == []
