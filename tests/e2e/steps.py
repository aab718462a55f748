"""What a visitor does on the site, as functions the journeys share, and the injection check."""

import re

# Attributes our own templates put on elements (tag, attribute): anything else named on* is injected.
OWN_HANDLERS = {("input", "onfocus")}  # snippets/share.html: the share link selects itself

FIND_INJECTED = """
(own) => {
  const allowed = new Set(own.map(([tag, name]) => tag + " " + name));
  const found = [];
  const describe = (el) => el.outerHTML.slice(0, 120);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (tag === "img" && el.getAttribute("src") === "x") found.push("img[src=x]: " + describe(el));
    if (tag === "script" && /alert/.test(el.textContent)) found.push("script with alert: " + describe(el));
    if (tag === "iframe" && el.hasAttribute("srcdoc")) found.push("iframe[srcdoc]: " + describe(el));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") && !allowed.has(tag + " " + name)) found.push(name + ": " + describe(el));
      if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(name)
          && /^\\s*javascript:/i.test(attr.value)) found.push(name + "=javascript: " + describe(el));
    }
  }
  return found;
}
"""


def injected(page):
    """Elements or attributes on the page (any frame) that only an injection could have put there."""
    found = []
    for frame in page.frames:
        found += frame.evaluate(FIND_INJECTED, [list(pair) for pair in OWN_HANDLERS])
    return found


def csp_violations(page):
    return page.evaluate("window.__cspViolations || []")


def assert_nothing_injected(page, watch):
    assert watch.dialogs == [], f"a dialog opened on {page.url}"
    assert injected(page) == [], f"injected markup on {page.url}"
    assert csp_violations(page) == [], f"the CSP blocked something on {page.url}"


def paste(page, site_url, content, title="", filename="", lexer=None, before_submit=None):
    """Fill the create form and submit it; returns the new snippet's page URL."""
    page.goto(site_url + "/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("File name").fill(filename)
    if lexer:
        page.get_by_label("Language").select_option(lexer)
    page.locator("textarea[name=content]").fill(content)
    if before_submit:
        before_submit()
    with page.expect_navigation():
        page.get_by_role("button", name="Paste").click()
    assert re.search(r"/s/[\w-]+$", page.url), f"not a snippet page: {page.url}"
    return page.url


def snippet_id(url):
    return re.search(r"/s/([\w-]+)", url).group(1)


def open_fork_form(page):
    """From a snippet's page, follow its "fork" link."""
    with page.expect_navigation():
        page.locator(".actions").get_by_role("link", name="fork", exact=True).click()
    assert page.url.endswith("/fork")


def save_fork(page, content):
    """On the fork form, replace the text and save: returns the fork's page URL."""
    page.locator("textarea[name=content]").fill(content)
    with page.expect_navigation():
        page.get_by_role("button", name="Save fork").click()
    assert re.search(r"/s/[\w-]+$", page.url), f"not a snippet page: {page.url}"
    return page.url
