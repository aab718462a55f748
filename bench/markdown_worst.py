"""The worst Markdown we know of, at the site's size limit: what rendering it costs.

    .venv/bin/python bench/markdown_worst.py [--kib 512] [--only NAME ...] [--file PATH ...]

Each shape is one pattern repeated to ``--kib`` KiB (SNIPPET_MAX_BYTES is 512). For each it
prints, in CPU seconds of this process (steadier than wall time on a shared machine):

- ``pygments``: highlighting the same text with Pygments' Markdown lexer, what the page shows
  when a file is not rendered: the baseline;
- ``unbounded``: markdown-it-py and nh3 with no limit (parse, render, clean);
- ``ours``: ``apps.snippets.markdown.render`` to its answer: the HTML, or ``TooCostly``;
- the work counted (``MAX_WORK`` is the limit) and the HTML estimate (``MAX_HTML``).

Shapes that cost most per byte are the ones ``render`` must refuse; prose must pass. Nothing
is asserted: the figures go to docs/performance.md ("Markdown").
"""

import argparse
import time

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import MarkdownLexer

from apps.snippets import markdown

README = """# Project

Some *text* with `code`, **strong** words and [a link](https://example.com/docs).

## Install

- step one, see [the guide][guide]
- step two: `pip install project`
  1. nested
  2. list

```python
def main():
    return 1
```

| option | default | meaning |
|:-------|:-------:|--------:|
| `-v`   | off     | verbose |

> A quote, ~~struck~~.

[guide]: https://example.com/guide "The guide"

"""


def repeat(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


def shapes(size):
    """name -> text of ``size`` characters (ASCII, so bytes too)."""
    wide_header = "|" + "a|" * 1024 + "\n|" + "-|" * 1024 + "\n"
    return {
        "README-like prose": repeat(README, size),
        "blockquotes >>>>": repeat(">", size),
        "nested lists - - -": repeat("- ", size),
        "list items -\\n": repeat("- \n", size),
        "setext a\\n=\\n": repeat("a\n=\n", size),
        "emphasis *a**a": repeat("*a**a", size),
        "emphasis **_": repeat("**_", size),
        "underscores _a": repeat("_a", size),
        "strikethrough ~~a": repeat("~~a", size),
        "brackets [": repeat("[", size),
        "images ![": repeat("![", size),
        "links [a](": repeat("[a](", size),
        "brackets and emphasis *[*[a": repeat("*[*[a", size),
        "link titles [a](b \"": repeat('[a](b "', size),
        "backticks `a``": repeat("`a``", size),
        "reference definitions": repeat("[a]: b\n", size),
        "reference used 90k times": "[a]: /" + "x" * (size // 4) + "\n\n" + repeat("[a]", size - size // 4 - 8),
        "table rows": "|a|b|\n|-|-|\n" + repeat("|x|y|\n", size - 12),
        "tables of empty cells": repeat(wide_header + "|\n" * 64 + "\n", size),
        "table one wide row": "|" + "a|" * (size // 4) + "\n|" + "-|" * (size // 4) + "\n",
        "less-than <": repeat("<", size),
        "autolinks <a:": repeat("<a:", size),
        "entities &#": repeat("&#", size),
        "hard breaks a  \\n": repeat("a  \n", size),
        "a deep quote's lines > a": ">" * 30 + "\n" + repeat("> a\n", size - 31),
        "a deep quote's lazy lines": ">" * 20 + " a\n" + repeat("a\n", size - 23),
        "a deep list's lines": "- " * 30 + "a\n" + repeat("  a\n", size - 63),
    }


def cpu(call):
    start = time.process_time()
    try:
        result = call()
    except markdown.TooCostly as error:
        result = error
    return time.process_time() - start, result


def unbounded(text):
    """Work and HTML estimate with 8 times the limits: far enough to see, not enough to
    take the machine's memory (a token is ~375 bytes; a reference used 90k times would
    make gigabytes of HTML). ``None`` past those."""
    env = {"budget": markdown.Budget(8 * markdown.MAX_WORK), "anchor_prefix": "md-"}
    try:
        tokens = markdown.PARSER.parse(text, env)
    except markdown.TooCostly:
        return None, None
    estimate = markdown.html_estimate(tokens)
    if estimate <= 8 * markdown.MAX_HTML:
        markdown.CLEANER.clean(markdown.PARSER.renderer.render(tokens, markdown.PARSER.options, env))
    return 8 * markdown.MAX_WORK - env["budget"].left, estimate


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kib", type=int, default=512)
    parser.add_argument("--only", nargs="*", help="shape names to run (substrings)")
    parser.add_argument("--file", nargs="*", default=[], help="real Markdown files to add")
    args = parser.parse_args()

    texts = shapes(args.kib * 1024)
    if args.only:
        texts = {name: text for name, text in texts.items() if any(part in name for part in args.only)}
    for path in args.file:
        with open(path, encoding="utf-8") as file:
            texts[path.rsplit("/", 1)[-1]] = file.read()[: args.kib * 1024]

    print(f"MAX_WORK {markdown.MAX_WORK:,}  MAX_HTML {markdown.MAX_HTML:,}  CPU seconds")
    print(f"{'shape':30} {'KiB':>4} {'pygments':>8} {'unbounded':>9} {'ours':>6}  {'work':>10} {'html est.':>13}  answer")
    worst = 0.0
    for name, text in texts.items():
        pygments_time, _ = cpu(lambda: highlight(text, MarkdownLexer(), HtmlFormatter()))
        full_time, (work, estimate) = cpu(lambda: unbounded(text))
        full = f"{full_time:9.2f}" if work is not None and estimate <= 8 * markdown.MAX_HTML else "  (>8×)  "
        our_time, answer = cpu(lambda: markdown.render(text))
        worst = max(worst, our_time)
        verdict = f"too costly: {answer}" if isinstance(answer, Exception) else "rendered"
        print(
            f"{name:30} {len(text.encode()) // 1024:4} {pygments_time:8.2f} {full} {our_time:6.2f}"
            f"  {f'{work:,}' if work else '> 8×':>10} {f'{estimate:,}' if estimate else '':>13}  {verdict}",
            flush=True,
        )
    print(f"worst time to an answer: {worst:.2f} s")


if __name__ == "__main__":
    main()
