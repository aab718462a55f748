"""What axe-core finds on every page of a checkout of the site, as a Markdown table (issue 15).

    .venv/bin/python -m tests.e2e.axe_report [--checkout DIR]

Serves the checkout at DIR (default: this one) as its Procfile does, with its own code and
settings and this virtualenv's Python; then visits the pages of ``test_accessibility.py``
(``a11y.py``) as their owner, light and dark, 1200 px and 360 px wide, and prints, for each,
axe's serious and critical violations: how many rules, and the nodes each rule finds. A page
that does not answer as it does now (an older checkout without it) is "no such page then".
Needs ``/usr/bin/chromium`` and axe-core (``make axe``); takes a minute or two.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.browsers import chromium_browser
from tests.e2e.a11y import (AXE, PAGES, STATUS, THEMES, VIEWPORTS, blocking, limited_site, open_view, page_paths,
                            paste_as_owner, violations, visit)
from tests.servers import ROOT, running_site

COLUMNS = [(theme, viewport) for theme in THEMES for viewport in VIEWPORTS]


def cell(found):
    """``0``, or ``2: color-contrast ×3, label ×1`` (rules, then each rule's nodes)."""
    if not found:
        return "0"
    return f"**{len(found)}**: " + ", ".join(f"{v['id']} ×{len(v['nodes'])}" for v in found)


def run(root, axe_source, log=print):
    """Serve the checkout at ``root`` and run axe on every page: {(name, theme, viewport): violations
    (serious and critical), or an HTTP status the page should not have}, and axe's and Chromium's versions."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="axe-report-") as tmp, chromium_browser() as browser:
        site_dir, limited_dir = Path(tmp, "site"), Path(tmp, "limited")
        site_dir.mkdir()
        limited_dir.mkdir()
        with running_site(site_dir, root=root) as site_url, limited_site(limited_dir, root=root) as limited:
            state, mine, burn = paste_as_owner(browser, site_url)
            paths = page_paths(site_url, mine, burn)
            views = {column: open_view(browser, state, *column) for column in COLUMNS}
            for name in PAGES:  # a page in every column before the next page, as a visitor would
                for (theme, viewport), page in views.items():
                    response = visit(page, site_url, paths, name, limited if paths[name] is None else None)
                    status = response.status if response else None
                    if status != STATUS.get(name, 200):
                        results[name, theme, viewport] = status
                        continue
                    found = blocking(violations(page, axe_source))
                    themed = name == "embed" or page.evaluate("t => document.documentElement.classList.contains(t)",
                                                              theme)
                    results[name, theme, viewport] = found if themed else (found, f"not {theme}")
                log(f"{name}: done", file=sys.stderr)
            version = f"axe-core {views[COLUMNS[0]].evaluate('axe.version')} in Chromium {browser.version}"
            for page in views.values():
                page.context.close()
    return results, version


def table(results):
    """The Markdown table of ``run``'s results, a page a row, and the totals."""
    head = "| page | " + " | ".join(f"{theme}, {viewport}" for theme, viewport in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    rules = nodes = 0
    for name in PAGES:
        cells = []
        for theme, viewport in COLUMNS:
            result = results[name, theme, viewport]
            if result is None or isinstance(result, int):
                cells.append(f"no such page then (HTTP {result})")
                continue
            found, note = result if isinstance(result, tuple) else (result, "")
            rules += len(found)
            nodes += sum(len(v["nodes"]) for v in found)
            cells.append(cell(found) + (f" ({note})" if note else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(f"\nSerious and critical violations in all: {rules} (rule × page × column), on {nodes} nodes.")
    return "\n".join(lines)


def describe_checkout(root):
    line = subprocess.run(["git", "log", "-1", "--format=%h (%cd) %s", "--date=short"], cwd=root,
                          capture_output=True, text=True).stdout.strip()
    return line if len(line) <= 90 else line[:89].rsplit(" ", 1)[0] + " …"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.axe_report", description=__doc__.split("\n")[0])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="a checkout of the project (default: this one)")
    args = parser.parse_args(argv)
    if not AXE.exists():
        parser.exit(1, f"{AXE.relative_to(ROOT)} is missing: run `make axe` (needs npm)\n")
    started = time.monotonic()
    results, version = run(args.checkout.resolve(), AXE.read_text())
    print(f"Checkout {describe_checkout(args.checkout)}\n\n{version}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} ({time.monotonic() - started:.0f} s).\n")
    print(table(results))


if __name__ == "__main__":
    main()
