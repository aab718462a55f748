"""The highlighter as a service, against its two baselines, in one run.

    .venv/bin/python bench/highlight_service.py [--runs 15] [--seconds 5] [--connections 16]

Starts each server with the Procfile's ``web:`` command and ``config/gunicorn.conf.py``
(gthread, WEB_CONCURRENCY=2, WEB_THREADS 4, environment of ``tests/servers.site_environment``,
access log to a file) on free loopback ports, and prints (each pair measured interleaved,
so that a busy moment of the machine hits both sides alike):

1. Round trip vs in-process: ``POST /highlight/api/highlight`` of a ~100 KB Python file
   (Django's django/db/models/query.py from the venv), JSON in, JSON out and parsed by the
   client, median of ``--runs``, each request made unique (a trailing comment) so that no
   cache answers; next to ``pygments.highlight`` on the same code in this process (the
   outputs are checked equal first).
   Goal: <= 1.15x.
2. Cached repeat vs hello-world: wrk on loopback (``--seconds``, ``--connections``) repeating
   one small highlight request (the file's first 40 lines), which the result cache answers,
   next to a bare WSGI hello-world (bench/load/hello.py:bare) under the same gunicorn
   config, median of two runs each. Goal: >= 0.5x the hello-world's requests/s. The 100 KB
   file repeated is shown too, for scale.

Nothing is asserted; the figures depend on the machine (run on an idle one).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pygments
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, procfile_command, running, site_environment  # noqa: E402

HELLO = "bench.load.hello:bare"


def default_file():
    import django

    return Path(django.__file__).parent / "db" / "models" / "query.py"


def seconds(call, n):
    start = time.perf_counter()
    call(n)
    return time.perf_counter() - start


def wrk(url, body, seconds, connections, scratch):
    """Requests/s of wrk repeating one request (a POST of ``body`` as JSON, or a GET)."""
    script = scratch / "request.lua"
    if body is None:
        script.write_text("")
    else:
        script.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {lua_string(body)}\n"
        )
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    match = re.search(r"Requests/sec:\s*([\d.]+)", done.stdout)
    if not match or "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise RuntimeError(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    return float(match.group(1))


def lua_string(text):
    # A Lua long bracket with a level no '=' run in the text can close.
    level = "=" * (max((len(run) for run in re.findall(r"=+", text)), default=0) + 1)
    return f"[{level}[{text}]{level}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seconds", type=int, default=5, help="seconds of wrk per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--file", default=str(default_file()))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found (Debian: apt-get install wrk)")
    code = Path(args.file).read_text()
    small = "".join(code.splitlines(keepends=True)[:40])
    scratch = Path(tempfile.mkdtemp(prefix="highlight-bench-"))
    env = site_environment(scratch / "data", LOG_LEVEL="warning")
    print(f"{args.file}: {len(code.encode())} bytes; small request: {len(small.encode())} bytes; "
          f"Pygments {pygments.__version__}; gunicorn: {procfile_command()} "
          f"(WEB_CONCURRENCY={env['WEB_CONCURRENCY']}, threads {os.environ.get('WEB_THREADS', '4')}); "
          f"load average {os.getloadavg()[0]:.2f}")

    site_port, hello_port = free_port(), free_port()
    url = f"http://127.0.0.1:{site_port}/highlight/api/highlight"
    hello_command = procfile_command().replace("composite.wsgi:application", HELLO)
    with running(procfile_command(), env, site_port, scratch / "site.log", ready_path="/highlight/_health"), \
            running(hello_command, env, hello_port, scratch / "hello.log", ready_path="/"), \
            httpx.Client(timeout=60) as http:

        def in_process(n):
            return pygments.highlight(code + f"# {n}\n", PythonLexer(), HtmlFormatter())

        def round_trip(n):
            response = http.post(url, json={"code": code + f"# {n}\n", "lexer": "python"})
            assert response.status_code == 200, response.text
            return response.json()["output"]

        for n in range(-8, 0):  # both gunicorn workers and their pools warm
            assert round_trip(n) == in_process(n)
        # Interleaved, so that a busy moment of the machine hits both sides alike.
        direct, service = [], []
        for n in range(args.runs):
            direct.append(seconds(in_process, n))
            service.append(seconds(round_trip, n))
        direct, service = statistics.median(direct), statistics.median(service)

        for body in (small, code):
            for _ in range(4):  # into both workers' caches
                http.post(url, json={"code": body, "lexer": "python"})
        small_body = json.dumps({"code": small, "lexer": "python"})
        hellos, cached_small = [], []
        for _ in range(2):
            hellos.append(wrk(f"http://127.0.0.1:{hello_port}/", None, args.seconds, args.connections, scratch))
            cached_small.append(wrk(url, small_body, args.seconds, args.connections, scratch))
        hello, cached_small = statistics.median(hellos), statistics.median(cached_small)
        cached_big = wrk(url, json.dumps({"code": code, "lexer": "python"}), args.seconds, args.connections, scratch)

    print()
    print(f"  pygments.highlight in-process        {direct * 1000:9.1f} ms")
    print(f"  service round trip (gunicorn)        {service * 1000:9.1f} ms   {service / direct:5.3f}x  (goal <= 1.15x)")
    print(f"  bare WSGI hello-world                {hello:9.0f} req/s")
    print(f"  cached repeat, small request         {cached_small:9.0f} req/s   {cached_small / hello:5.3f}x  (goal >= 0.5x)")
    print(f"  cached repeat, 100 KB file           {cached_big:9.0f} req/s   {cached_big / hello:5.3f}x  (for scale)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
