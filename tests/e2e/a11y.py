"""The accessibility matrix (issue 15) that ``test_accessibility.py`` asserts and ``axe_report.py``
prints: every page of the site, the owner's session that opens them, and one axe-core run.

axe-core comes from the npm registry, pinned by ``tests/e2e/axe/package-lock.json`` and installed
by ``make axe``; it is injected into each page of Debian's Chromium. Every page is visited as its
owner would see it (a browser session that pasted the snippets, so the edit, delete and share
pages answer), in a context per colour scheme and width.
"""

import contextlib
import re
import subprocess
import sys

from tests.e2e import steps
from tests.e2e.test_dark_and_phone import create
from tests.servers import ROOT, checkout_environment, running_site

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

PAGES = ["paste form", "snippet", "snippet, monokai picked", "snippet, default picked", "snippet with several files",
         "markdown snippet", "my snippet", "revision", "history", "edit", "fork", "delete", "report", "share",
         "burn reveal step", "embed", "revisions compare", "revisions compare side by side", "patch review",
         "diff form", "diff compare", "diff compare side by side", "diff review form", "playground", "my snippets",
         "404", "410", "429"]
STATUS = {"404": 404, "410": 410, "429": 429}  # the status each page answers with, when not 200

# The limited site: one diff request a minute (for the 429 page). One worker: without Redis
# each worker counts apart.
LIMITED = {"RATELIMIT_ENABLED": "true", "RATELIMIT_DIFF": "1/minute", "WEB_CONCURRENCY": "1"}


def paste_as_owner(browser, site_url):
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


@contextlib.contextmanager
def limited_site(data_dir, root=ROOT):
    """A second site (of the checkout at ``root``) whose diff budget is one request a minute (for
    the 429 page), with a snippet whose lifetime has passed (for the 410 page): its URL and that
    snippet's id."""
    with running_site(data_dir, root=root, **LIMITED) as url:
        expired = create(url, content="old news\n", expires="1h")
        set_past = ("from django.utils import timezone; from datetime import timedelta; "
                    "from apps.snippets.models import Snippet; "
                    f"Snippet.objects.filter(pk={expired!r}).update(expires_at=timezone.now() - timedelta(hours=1))")
        env = checkout_environment(data_dir, root, **LIMITED)
        subprocess.run([sys.executable, "manage.py", "shell", "-c", set_past], cwd=root, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # its banner, not ours
        yield url, expired


def page_paths(site_url, mine, burn):
    """Every page of the site, by name: a path on the site (``None``: the limited site's pages).
    ``mine`` and ``burn`` are the owner's snippets; the others are pasted here."""
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


def open_view(browser, state, theme, viewport):
    """A page in the owner's session (``state``), in that colour scheme and width."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=theme, storage_state=state,
                                  bypass_csp=True)  # so that axe's script may be injected
    context.set_default_timeout(15_000)
    return context.new_page()


def visit(page, site_url, paths, name, limited):
    """Open the page called ``name`` (``limited``: the limited site's URL and expired snippet);
    returns the response. A style picked there is not remembered for the next page."""
    try:
        if name == "410":
            url, expired = limited
            return page.goto(f"{url}/s/{expired}")
        if name == "429":
            url, _ = limited
            compare = f"{url}/diff/compare?left=/s/a/raw&right=/s/b/raw"
            page.goto(compare)
            return page.goto(compare)
        response = page.goto(site_url + paths[name])
        if name.endswith("side by side") and name.startswith("revisions"):
            response = page.goto(page.url + "&view=side-by-side")
        return response
    finally:
        page.context.clear_cookies(name=STYLE_COOKIE)


def violations(page, axe_source):
    """Every violation axe finds on the page: dicts of id, impact, help and the nodes (described)."""
    page.wait_for_load_state("load")
    page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE)


def blocking(found):
    return [v for v in found if v["impact"] in BLOCKING]


def describe(found):
    return "\n".join(f"{v['impact']} {v['id']} ({v['help']}): {len(v['nodes'])} nodes\n    "
                     + "\n    ".join(v["nodes"][:8]) for v in found)
