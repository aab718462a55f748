"""How fast a big diff page is served, next to diff2html-cli; and the HTTP API next to GNU diff.

Usage (from the repository root)::

    .venv/bin/python bench/diff_render.py [--runs 5] [--scratch /tmp/diff-render-bench]

Generates a pair of 40,000-line files with 1,500 changed lines spread evenly (a 12,000-line
unified diff), starts the site as the Procfile does (real gunicorn, gthread workers, on a
free loopback port, SQLite in the scratch dir) and measures, median of ``--runs``:

- the diff page: ``POST /diff/`` with the two texts as the browser's form sends them
  (multipart), time to first byte and total, page fully read;
- ``diff2html-cli`` turning the same unified diff into an HTML page, line view and side by
  side, process start included (``npm install diff2html-cli`` in the scratch dir, never in
  the project);
- the HTTP API on the same 40k-line pair (``/diff/api/diff.patch`` and ``/diff/api/diff``)
  next to GNU ``diff -u`` on the files.

Goals: the whole page request <= diff2html-cli's time; the API <= 5x GNU diff. Nothing is
asserted; it prints a table with ratios.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, migrate, procfile_command, running, site_environment  # noqa: E402

LINES, CHANGES = 40_000, 1_500


def make_pair():
    left = [f"    total_{i % 500} = compute(value_{i}, {i % 97})\n" for i in range(LINES)]
    right = list(left)
    step = LINES // CHANGES
    for k in range(CHANGES):
        i = step // 2 + k * step
        right[i] = right[i].replace("compute(", "recompute(").replace("value_", "item_")
    return "".join(left), "".join(right)


def median_time(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def page_request(http, files):
    """(time to first byte, total) of one diff page, read to the end."""
    start = time.perf_counter()
    first = None
    with http.stream("POST", "/diff/", files=files) as response:
        response.raise_for_status()
        size = 0
        for chunk in response.iter_raw():
            if first is None:
                first = time.perf_counter() - start
            size += len(chunk)
    return first, time.perf_counter() - start, size


def install_diff2html(scratch):
    binary = scratch / "node_modules" / ".bin" / "diff2html"
    if not binary.exists():
        subprocess.run(["npm", "init", "-y"], cwd=scratch, check=True, capture_output=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "diff2html-cli"], cwd=scratch, check=True, capture_output=True)
    return binary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/diff-render-bench"))
    args = parser.parse_args()
    scratch = args.scratch
    scratch.mkdir(parents=True, exist_ok=True)

    left, right = make_pair()
    (scratch / "old.txt").write_text(left)
    (scratch / "new.txt").write_text(right)
    gnu = subprocess.run(["diff", "-u", "old.txt", "new.txt"], cwd=scratch, capture_output=True, text=True)
    (scratch / "change.diff").write_text(gnu.stdout)
    diff_lines = sum(1 for line in gnu.stdout.splitlines() if line[:1] in " +-" and line[:3] not in ("---", "+++"))
    print(f"pair: {LINES:,} lines per side ({len(left.encode()):,} / {len(right.encode()):,} bytes), "
          f"{CHANGES:,} changed lines, unified diff of {diff_lines:,} lines")

    diff2html = install_diff2html(scratch)
    rows = []
    env = site_environment(scratch / "data", WEB_CONCURRENCY="2", LOG_LEVEL="warning")
    (scratch / "data").mkdir(exist_ok=True)
    migrate(env)
    port = free_port()
    with running(procfile_command(), env, port, scratch / "gunicorn.log"):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            files = {"left": (None, left), "right": (None, right), "context": (None, "3")}
            page_request(http, files)  # warm up: imports, first requests in each worker
            page_request(http, files)
            samples = [page_request(http, files) for _ in range(args.runs)]
            ttfb = statistics.median(s[0] for s in samples)
            total = statistics.median(s[1] for s in samples)
            size = samples[0][2]
            page = http.post("/diff/", files=files).text
            shown = page.count('<tr class="add">') + page.count('<tr class="delete">') + page.count('<tr class="context">')

            patch_body = json.dumps({"left": left, "right": right})
            headers = {"Content-Type": "application/json"}
            api_patch = median_time(lambda: http.post("/diff/api/diff.patch", content=patch_body, headers=headers).raise_for_status(), args.runs)
            api_json = median_time(lambda: http.post("/diff/api/diff", content=patch_body, headers=headers).raise_for_status(), args.runs)
            lines_body = json.dumps({"left": left, "right": right, "word_diff": False})  # GNU's work: lines only
            api_lines = median_time(lambda: http.post("/diff/api/diff", content=lines_body, headers=headers).raise_for_status(), args.runs)

    def run_diff2html(style):
        subprocess.run([str(diff2html), "-i", "file", "-s", style, "-F", str(scratch / f"d2h-{style}.html"), "--", str(scratch / "change.diff")],
                       check=True, capture_output=True)

    d2h_line = median_time(lambda: run_diff2html("line"), args.runs)
    d2h_side = median_time(lambda: run_diff2html("side"), args.runs)
    gnu_time = median_time(lambda: subprocess.run(["diff", "-u", "old.txt", "new.txt"], cwd=scratch, capture_output=True), args.runs)

    print(f"our page: {shown:,} diff rows, {size / 1e6:.1f} MB of HTML (texts included in the edit form)\n")
    rows = [
        ("page: time to first byte", ttfb, "diff2html-cli line", d2h_line),
        ("page: total (POST /diff/, unified)", total, "diff2html-cli line", d2h_line),
        ("page: total (POST /diff/, unified)", total, "diff2html-cli side", d2h_side),
        ("API: /diff/api/diff.patch (40k-line pair)", api_patch, "GNU diff -u", gnu_time),
        ("API: /diff/api/diff JSON, word marks off", api_lines, "GNU diff -u", gnu_time),
        ("API: /diff/api/diff JSON, word marks on", api_json, "GNU diff -u", gnu_time),
    ]
    print(f"{'ours':44} {'s':>7}   {'reference':20} {'s':>7}  {'ratio':>6}")
    for name, ours, ref_name, ref in rows:
        print(f"{name:44} {ours:7.3f}   {ref_name:20} {ref:7.3f}  {ours / ref:6.2f}x")
    print("\ngoals: page total <= diff2html-cli (ratio <= 1); API <= 5x GNU diff -u")
    shutil.rmtree(scratch / "data", ignore_errors=True)
    os.environ.pop("PORT", None)


if __name__ == "__main__":
    main()
