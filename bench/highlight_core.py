"""How much the worker pool adds to highlighting: in-process Pygments vs the pool.

    .venv/bin/python bench/highlight_core.py [--runs 21] [--file PATH]

Highlights a ~100 KB Python file (Django's django/db/models/query.py from the venv
by default) to HTML three ways and prints the median of each: Pygments called
directly, the core's in-process ``highlight``, and ``Highlighter.highlight`` (a
pickled request to a warm worker process and the HTML back). Also a tiny input,
where the pool's fixed cost shows alone, and the tokens format (a big nested list to
pickle).
"""

import argparse
import statistics
import time
from pathlib import Path

import pygments
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from apps.highlighter.core import Highlighter, HighlightRequest, highlight


def default_file() -> str:
    import django

    return str(Path(django.__file__).parent / "db" / "models" / "query.py")


def median_ms(call, runs: int) -> float:
    call()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--file", default=default_file())
    args = parser.parse_args()
    code = Path(args.file).read_text()
    request = HighlightRequest.from_fields({"code": code, "lexer": "python"})
    tokens = HighlightRequest.from_fields({"code": code, "lexer": "python", "format": "tokens"})
    tiny = HighlightRequest.from_fields({"code": "x = 1\n", "lexer": "python"})
    print(f"{args.file}: {len(code.encode())} bytes, {code.count(chr(10))} lines; "
          f"Pygments {pygments.__version__}; median of {args.runs}")
    with Highlighter(workers=1, timeout=30.0) as pool:
        pool.start()
        rows = [
            ("pygments.highlight (direct)",
             median_ms(lambda: pygments.highlight(code, PythonLexer(), HtmlFormatter()), args.runs)),
            ("core.highlight (in-process)", median_ms(lambda: highlight(request), args.runs)),
            ("Highlighter.highlight (pool)", median_ms(lambda: pool.highlight(request), args.runs)),
            ("tokens format, in-process", median_ms(lambda: highlight(tokens), args.runs)),
            ("tokens format, pool", median_ms(lambda: pool.highlight(tokens), args.runs)),
            ("tiny input, in-process", median_ms(lambda: highlight(tiny), args.runs)),
            ("tiny input, pool", median_ms(lambda: pool.highlight(tiny), args.runs)),
        ]
    direct = rows[0][1]
    for label, ms in rows:
        print(f"  {label:32} {ms:8.2f} ms  ({ms / direct:.3f}x direct)")
    print(f"  pool overhead on the file: html {rows[2][1] - rows[1][1]:+.2f} ms, "
          f"tokens {rows[4][1] - rows[3][1]:+.2f} ms; "
          f"on a tiny input: {rows[6][1] - rows[5][1]:+.2f} ms")


if __name__ == "__main__":
    main()
