"""Load bench: the whole site under the Procfile's gunicorn, beside two hello-worlds, with wrk.

    .venv/bin/python bench/load/run.py                 # 30 s per server at 64 connections
    .venv/bin/python bench/load/run.py --duration 5    # smoke run
    .venv/bin/python bench/load/run.py --json out.json # also write every figure as JSON

Three servers, each started with the Procfile's ``web:`` command and ``config/gunicorn.conf.py``
(the environment of ``tests/servers.site_environment``: DEBUG off, SQLite, WEB_CONCURRENCY=2,
WEB_THREADS from the config, default 4). They run side by side, idle but for the one wrk is
hitting, and wrk takes them in turn in ``--rounds`` rounds, so that other load on a shared
machine falls on all of them alike:

    bare   a WSGI hello-world              (bench/load/hello.py, GET /)
    flask  a plain Flask hello-world       (bench/load/hello.py, GET /)
    site   the composite, seeded through its API with snippets from installed packages'
           sources, then the mix in MIX: snippet pages, raw, API creates, highlight API
           calls, diff compare pages, the create form, and missing snippets (404 on purpose)

wrk runs on loopback with 2 threads, each run bounded by ``timeout`` (its duration + 30 s).
Its Lua script (mix.lua, report.lua) counts responses per status; a non-2xx/3xx response is
"unintended" unless it is a 404 from the ``missing`` kind. Prints a table (req/s over all
rounds, p50/p99 of the median round) and the site's ratios to the hello-worlds (per round,
median over rounds). Server logs stay in the printed run directory.
"""

import argparse
import contextlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests import servers  # noqa: E402  (the suite's helpers: same environment, same start-up)

SITE_APP = "composite.wsgi:application"
HELLOS = {"bare": "bench.load.hello:bare", "flask": "bench.load.hello:flask"}
# Request kinds and their share of the site's load, in percent.
MIX = {"page": 40, "raw": 20, "create": 5, "highlight": 15, "compare": 10, "form": 5, "missing": 5}
INTENDED = {"missing": 404}  # responses the mix asks for on purpose
# Seed snippets: sources shipped with installed packages (no network), by lexer.
SEED_FILES = [
    ("django/db/models/query.py", "python"),
    ("flask/app.py", "python"),
    ("werkzeug/routing/rules.py", "python"),
    ("werkzeug/serving.py", "python"),
    ("pygments/lexers/python.py", "python"),
    ("django/contrib/admin/static/admin/js/actions.js", "javascript"),
    ("django/contrib/admin/static/admin/css/base.css", "css"),
    ("django/contrib/admin/templates/admin/change_list.html", "html+django"),
    ("django/contrib/admin/templates/admin/base.html", "html+django"),
    ("gunicorn/config.py", "python"),
]
SMALL, MEDIUM = 30, 300  # lines of the seeded small and medium snippets


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of wrk per server in all (default 30)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="split each server's time into this many rounds, taken in turn (default 3)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--targets", default="bare,flask,site", help="which servers, in order")
    parser.add_argument("--mix", type=parse_mix, default=MIX,
                        help="override the site's mix, e.g. page=100 or page=50,compare=50 (to see what costs what)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON ('-': stdout only)")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk not found (Debian: apt-get install wrk)")

    run_dir = Path(tempfile.mkdtemp(prefix="load-", dir="/tmp"))
    print(f"run directory (server logs, requests file): {run_dir}", file=sys.stderr)
    results = {"meta": meta(args), "targets": {}}
    targets = args.targets.split(",")
    rounds = {target: [] for target in targets}
    with contextlib.ExitStack() as stack:
        started = {target: stack.enter_context(start(target, args, run_dir / target)) for target in targets}
        # Rounds in turn, so that the other load on a shared machine falls on every server alike.
        for number in range(1, args.rounds + 1):
            for target in targets:
                print(f"== round {number}/{args.rounds}: {target}", file=sys.stderr, flush=True)
                base, script, script_args = started[target]
                rounds[target].append(run_wrk(base + "/", script, script_args, args, args.duration / args.rounds))
                time.sleep(1)  # let the server drain what wrk left in flight
    for target in targets:
        results["targets"][target] = combine(rounds[target], run_dir / target)
    results["ratios"] = ratios(rounds)

    if args.json == "-":
        print(json.dumps(results, indent=1))
        return
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
        print(f"\nJSON: {args.json}")


def parse_mix(text):
    mix = {}
    for item in text.split(","):
        kind, _, share = item.partition("=")
        if kind not in MIX or not share.isdigit():
            raise argparse.ArgumentTypeError(f"{item!r}: use KIND=PERCENT with KIND one of {', '.join(MIX)}")
        mix[kind] = int(share)
    return mix


def meta(args):
    banner = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()
    wrk = banner[:2]  # "wrk debian/4.1.0-3+b2"
    return {
        "date_utc": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
        "wrk": f"{' '.join(wrk)} -t{args.threads} -c{args.connections} --latency --timeout 10s, "
               f"{args.rounds} rounds of {args.duration / args.rounds:.0f} s per server, servers in turn",
        "server": f"{servers.procfile_command('web')} (APP replaced for the hello-worlds)",
        "environment": "tests/servers.site_environment: DEBUG=false, SQLite, WEB_CONCURRENCY=2",
        "mix_percent": args.mix,
        "cpus": len(open("/proc/cpuinfo").read().split("processor\t")) - 1,
        "load_average_before": open("/proc/loadavg").read().split()[:3],
    }


@contextlib.contextmanager
def start(target, args, data):
    """Serve ``target`` with the Procfile's web: command; yield (base URL, wrk script, its args)."""
    data.mkdir(parents=True)
    web = servers.procfile_command("web")
    assert SITE_APP in web, web
    env = servers.site_environment(data, HOST="127.0.0.1")  # loopback only
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    if target == "site":
        servers.migrate(env)
        command, ready = web, "/healthz"
    else:
        command, ready = web.replace(SITE_APP, HELLOS[target]), "/"
    with servers.running(command, env, port, data / "gunicorn.log", ready_path=ready):
        if target == "site":
            requests_file = data / "requests.tsv"
            seeded = seed(base, requests_file, args.mix)
            (data / "seeded.json").write_text(json.dumps(seeded))
            yield base, "mix.lua", [str(requests_file)]
        else:
            yield base, "hello.lua", []


def combine(rounds, data):
    """One server's rounds as one result: totals, and the median round's latencies."""
    seconds = sum(r["seconds"] for r in rounds)
    result = {
        "rps": round(sum(r["requests"] for r in rounds) / seconds, 1),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "max_ms": max(r["max_ms"] for r in rounds),
        "mb_per_s": round(sum(r["mb_per_s"] * r["seconds"] for r in rounds) / seconds, 1),
        "requests": sum(r["requests"] for r in rounds),
        "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in rounds),
        "unintended": sum(r["unintended"] for r in rounds),
        "statuses": total(r["statuses"] for r in rounds),
        "issued": total(r["issued"] for r in rounds),
        "socket_errors": total(r["socket_errors"] for r in rounds),
        "rounds": rounds,
    }
    log = (data / "gunicorn.log").read_text(errors="replace")
    result["server_tracebacks"] = log.count("Traceback (most recent call last)")
    if (data / "seeded.json").exists():
        result["seeded"] = json.loads((data / "seeded.json").read_text())
    return result


def total(counts):
    out = {}
    for count in counts:
        for key, n in count.items():
            out[key] = out.get(key, 0) + n
    return dict(sorted(out.items()))


def seed(base, requests_file, mix):
    """Create the snippets through the API, write the mix's requests, and warm every one up."""
    sources = site_packages()
    snippets = []  # (id, lines)
    with httpx.Client(base_url=base, timeout=60) as http:

        def create(content, lexer):
            response = http.post("/api/snippets", json={"content": content, "lexer": lexer})
            response.raise_for_status()
            return response.json()["id"]

        pairs = []
        for index, (path, lexer) in enumerate(SEED_FILES):
            lines = (sources / path).read_text().splitlines(keepends=True)
            for size in (SMALL, MEDIUM):
                snippets.append((create("".join(lines[:size]), lexer), min(size, len(lines))))
            if index == 0:
                snippets.append((create("".join(lines), lexer), len(lines)))  # one big page
            if index < 5:
                edited = [line.rstrip("\n") + "  # edited\n" if n % 25 == 7 else line for n, line in enumerate(lines[:MEDIUM])]
                pairs.append((snippets[-2 if index else -3][0], create("".join(edited), lexer)))
        highlight_bodies = [
            json.dumps({"code": "".join((sources / path).read_text().splitlines(keepends=True)[:SMALL]), "lexer": lexer, "style": style})
            for (path, lexer), style in zip(SEED_FILES, ["default", "monokai", "friendly", "default", "xcode"] * 2)
        ]
        kinds = {
            "page": [("GET", f"/s/{id}", "", "") for id, _ in snippets],
            "raw": [("GET", f"/s/{id}/raw", "", "") for id, _ in snippets],
            "create": [("POST", "/api/snippets", "application/json",
                        json.dumps({"content": "print('load test @UNIQUE@')\nanswer = 42\n", "lexer": "python"}))],
            "highlight": [("POST", "/highlight/api/highlight", "application/json", body) for body in highlight_bodies],
            "compare": [("GET", f"/diff/compare?left=/s/{left}/raw&right=/s/{right}/raw", "", "") for left, right in pairs],
            "form": [("GET", "/", "", "")],
            "missing": [("GET", "/s/NoSuchSnippet0", "", "")],
        }
        with open(requests_file, "w") as out:
            for kind, requests in kinds.items():
                for method, path, ctype, body in requests if kind in mix else ():
                    assert "\t" not in body and "\n" not in body
                    out.write(f"{kind}\t{mix[kind] / len(requests):.6f}\t{method}\t{path}\t{ctype}\t{body}\n")
        for kind, requests in kinds.items():  # warm-up: every request once, checked
            for method, path, ctype, body in requests:
                body = body.replace("@UNIQUE@", "warm-up")
                response = http.request(method, path, content=body.encode() or None, headers={"Content-Type": ctype} if ctype else {})
                expected = INTENDED.get(kind)
                ok = response.status_code == expected if expected else response.status_code < 400
                if not ok:
                    raise RuntimeError(f"warm-up {kind} {method} {path}: {response.status_code} {response.text[:300]}")
    return {"snippets": len(snippets) + len(pairs), "lines": sorted(lines for _, lines in snippets), "compare_pairs": len(pairs)}


def site_packages():
    import django

    return Path(django.__file__).resolve().parent.parent


def run_wrk(url, script, script_args, args, duration):
    duration = max(1, round(duration))
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s",
               "--latency", "--timeout", "10s", "-s", script, url]
    if script_args:
        command += ["--", *script_args]
    done = subprocess.run(["timeout", str(duration + 30), *command], cwd=HERE, capture_output=True, text=True)
    found = re.search(r"^WRK_REPORT (.*)$", done.stdout, re.M)
    if not found:
        raise RuntimeError(f"wrk gave no report (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    report = json.loads(found.group(1))
    seconds = report["duration_us"] / 1e6
    statuses = {int(code): n for code, n in report["statuses"].items()}
    failed = sum(n for code, n in statuses.items() if not 200 <= code < 400)
    intended = 0
    for kind, status in INTENDED.items():
        intended += min(statuses.get(status, 0), report["issued"].get(kind, 0))
    return {
        "command": " ".join(command),
        "seconds": seconds,
        "requests": report["requests"],
        "rps": round(report["requests"] / seconds, 1),
        "p50_ms": report["p50_us"] / 1000,
        "p90_ms": report["p90_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "max_ms": report["max_us"] / 1000,
        "mb_per_s": round(report["bytes"] / seconds / 1e6, 1),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "issued": report["issued"],
        "non_2xx_3xx": failed,
        "unintended": failed - intended,
        "socket_errors": report["socket_errors"],
    }


def ratios(rounds):
    """The site against each hello-world, per round (neighbours in time), median over rounds."""
    out = {}
    for hello in ("bare", "flask"):
        if "site" in rounds and hello in rounds:
            pairs = list(zip(rounds["site"], rounds[hello]))
            out[f"site/{hello}"] = {
                measure: round(statistics.median(site[key] / other[key] for site, other in pairs), 3)
                for measure, key in (("rps", "rps"), ("p50", "p50_ms"), ("p99", "p99_ms"))
            }
    return out


def table(results):
    rows = [
        "| server | req/s | p50 ms (median round) | p99 ms (median round) | MB/s | non-2xx/3xx | unintended | socket errors | server tracebacks |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, r in results["targets"].items():
        errors = ", ".join(f"{k} {v}" for k, v in r["socket_errors"].items() if v) or "0"
        rows.append(
            f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['mb_per_s']} | "
            f"{r['non_2xx_3xx']} | {r['unintended']} | {errors} | {r['server_tracebacks']} |"
        )
    lines = [f"{results['meta']['wrk']}; load average before: {' '.join(results['meta']['load_average_before'])}", "", *rows]
    lines.append("")
    for pair, ratio in results["ratios"].items():
        lines.append(f"{pair}: req/s {ratio['rps']:.2f}×, p50 {ratio['p50']:.1f}×, p99 {ratio['p99']:.1f}×")
    site = results["targets"].get("site")
    if site:
        lines.append(f"site statuses: {site['statuses']}; requests sent by kind: {site['issued']}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
