"""Capacity inputs: CPU cost of each kind of request, storage and cache bytes per snippet.

    .venv/bin/python bench/capacity.py                  # 35-70 s
    .venv/bin/python bench/capacity.py --scale 0.3      # smoke run, fewer requests
    .venv/bin/python bench/capacity.py --json cap.json  # also every figure as JSON

It starts the Procfile's ``web:`` command the way tests/servers.py does (DEBUG off,
WEB_CONCURRENCY=2, WEB_THREADS=4, rate limits off) on a fresh PostgreSQL database it creates
(and drops) and an empty Redis database number it claims (and flushes), then sends each kind
of request N times from a few client threads and reads, from /proc, the CPU seconds consumed
by the server's whole process tree (gunicorn master, workers, their highlighter and diff pool
processes: each live thread's schedstat, plus the times of reaped children) and by the
PostgreSQL backends serving its database.
CPU seconds per request is what a 2-core instance spends, whatever else the (shared, noisy)
machine is doing; wall latency is printed for context only. The idle tree's CPU rate is
measured first and subtracted.

Request kinds:

    create       POST /api/snippets (JSON, new content each time; the default style is
                 highlighted at creation, so this includes one Pygments run)
    page-cold    GET /s/<id> of a snippet inserted straight into the database: nothing cached
                 anywhere, the view asks the highlighter
    page-first   GET /s/<id>, first view of a snippet made through the API: its rendering is in
                 Redis, the page is not in this process's page cache yet
    page-cached  GET /s/<id> of a hot snippet: the page is bytes in this process's page cache
                 (one SQL query per view still checks the snippet exists)
    raw          GET /s/<id>/raw
    highlight    POST /highlight/api/highlight, new code each time (no cache hit)
    diff-json    POST /diff/api/diff (JSON with word marks, the API's default)
    diff-patch   POST /diff/api/diff.patch

Snippet contents are slices of real source files from the installed packages (Python 60 %,
JavaScript 20 %, Django templates 10 %, CSS 10 %), each made unique by a first comment line;
their sizes are log-normal with a median of 2 KiB and sigma 1 (p90 7 KiB, p99 21 KiB, capped
at 256 KiB): an assumption about pastes, see docs/capacity.md. Storage is measured by inserting
--rows more snippets of the same distribution in one transaction (pg_total_relation_size
before/after); Redis bytes by MEMORY USAGE of every key in the claimed database, by kind of key.

Every loop has a count and a time limit (--kind-seconds); the run stops by itself and cleans
up (server stopped, database dropped, Redis database flushed) even when interrupted.
"""

import argparse
import contextlib
import hashlib
import json
import math
import os
import queue
import random
import re
import secrets
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import servers  # noqa: E402  (the suite's helpers: same environment, same start-up)

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379"
TICK = os.sysconf("SC_CLK_TCK")
SEED = 20261202
# (lexer, comment line format, share, glob patterns under site-packages)
LANGUAGES = [
    ("python", "# {}", 0.60, ["django/db/**/*.py", "django/contrib/admin/*.py", "flask/*.py", "werkzeug/**/*.py"]),
    ("javascript", "// {}", 0.20, ["django/contrib/admin/static/admin/js/**/*.js"]),
    ("html+django", "{{# {} #}}", 0.10, ["django/contrib/admin/templates/**/*.html"]),
    ("css", "/* {} */", 0.10, ["django/contrib/admin/static/admin/css/**/*.css"]),
]
MEDIAN_BYTES, SIGMA, CAP_BYTES, MIN_BYTES = 2048, 1.0, 256 * 1024, 40
# Requests per kind at --scale 1, and client threads (each its own connection, so both
# gunicorn workers get work).
COUNTS = {"create": 400, "page-cold": 240, "page-first": 400, "page-cached": 3000, "raw": 1500,
          "highlight": 300, "diff-json": 300, "diff-patch": 300}
HOT = 20  # snippets in the hot set of page-cached


# ---------------------------------------------------------------- content


class Corpus:
    """Deterministic snippet contents of the assumed size distribution."""

    def __init__(self, seed=SEED):
        self.random = random.Random(seed)
        purelib = Path(sysconfig.get_paths()["purelib"])
        self.texts = {}
        for lexer, _, _, patterns in LANGUAGES:
            files = sorted({p for pattern in patterns for p in purelib.glob(pattern) if p.is_file()})
            if not files:
                raise SystemExit(f"no {lexer} sources under {purelib} ({patterns})")
            parts, total = [], 0
            for path in files:
                text = path.read_text("utf-8", "replace")
                parts.append(text)
                total += len(text)
                if total > 3_000_000:
                    break
            joined = "\n".join(parts)
            while len(joined) < 2 * CAP_BYTES:
                joined += "\n" + joined
            self.texts[lexer] = joined
        self.count = 0

    def size(self):
        return int(min(CAP_BYTES, max(MIN_BYTES, self.random.lognormvariate(math.log(MEDIAN_BYTES), SIGMA))))

    def snippet(self, size=None):
        """(content, lexer): a slice of real source starting at a line, unique, ~size bytes."""
        pick = self.random.random()
        for lexer, comment, share, _ in LANGUAGES:
            pick -= share
            if pick <= 0:
                break
        size = size or self.size()
        text = self.texts[lexer]
        start = self.random.randrange(0, len(text) - size - 1)
        start = text.rfind("\n", 0, start) + 1
        end = text.find("\n", start + size)
        body = text[start: end if end > 0 else start + size]
        self.count += 1
        head = comment.format(f"capacity {self.count} {secrets.token_hex(4)}")
        content = head + "\n" + body.encode("utf-8")[: max(0, size - len(head) - 1)].decode("utf-8", "ignore")
        return content.rstrip("\n") + "\n", lexer


def edited(text, rng):
    """A plausible next version: about 5 % of lines changed, some inserted, some deleted."""
    out = []
    for line in text.splitlines(keepends=True):
        roll = rng.random()
        if roll < 0.02:
            continue
        if roll < 0.05:
            out.append(line.replace("e", "E", 1) if "e" in line else line.rstrip("\n") + "  # edited\n")
        else:
            out.append(line)
        if rng.random() < 0.01:
            out.append("    new_line = compute(value)  # inserted\n")
    return "".join(out)


# ---------------------------------------------------------------- /proc


def run_seconds(pid):
    """CPU time of one live process's threads in seconds, from /proc/<pid>/task/*/schedstat (ns)."""
    total = 0
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            try:
                with open(f"{task.path}/schedstat", "rb") as handle:
                    total += int(handle.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    except OSError:
        return None
    return total / 1e9


def proc_table():
    """{pid: (ppid, CPU seconds of the process and of its reaped children)} for every process.

    A live process's own time comes from its threads' schedstat (ns); the time of children it
    has reaped (highlighter processes killed and replaced) from cutime + cstime (clock ticks)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                data = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        rest = data[data.rindex(")") + 2:].split()
        utime, stime, cutime, cstime = (int(x) for x in rest[11:15])
        # The threads' schedstat is exact to the nanosecond, but forgets threads that ended;
        # utime + stime counts them too, to a clock tick. Take the tick figure when they differ
        # by more than a few ticks (a thread ended).
        ticks = (utime + stime) / TICK
        own = run_seconds(entry.name)
        if own is None or abs(own - ticks) > 3 / TICK:
            own = ticks
        table[int(entry.name)] = (int(rest[1]), own + (cutime + cstime) / TICK)
    return table


def tree(root, table):
    """{pid: depth} for root and all its descendants."""
    children = defaultdict(list)
    for pid, (ppid, *_rest) in table.items():
        children[ppid].append(pid)
    depths, todo = {}, [(root, 0)]
    while todo:
        pid, depth = todo.pop()
        if pid in table and pid not in depths:
            depths[pid] = depth
            todo.extend((child, depth + 1) for child in children[pid])
    return depths


class Meter:
    """CPU seconds of the server tree (by role) and of the PostgreSQL backends of one database."""

    def __init__(self, root, pg, dbname):
        self.root, self.pg, self.dbname = root, pg, dbname
        self.max_backends = 0

    def backends(self):
        rows = self.pg.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.dbname]
        ).fetchall()
        self.max_backends = max(self.max_backends, len(rows))
        return [row[0] for row in rows]

    def snapshot(self):
        table = proc_table()
        depths = tree(self.root, table)
        roles = {"workers": 0, "helpers": 0}  # master + workers (depth <= 1); their highlighter/diff pools
        for pid, depth in depths.items():
            roles["workers" if depth <= 1 else "helpers"] += table[pid][1]
        backends = {pid: t for pid in self.backends() if (t := run_seconds(pid)) is not None}
        return {"time": time.monotonic(), "roles": roles, "backends": backends, "pids": depths}

    @staticmethod
    def delta(before, after):
        roles = {role: after["roles"][role] - before["roles"][role] for role in before["roles"]}
        pg = sum(t - before["backends"].get(pid, 0) for pid, t in after["backends"].items())
        lost = len(set(before["backends"]) - set(after["backends"]))
        return {"seconds": after["time"] - before["time"], **roles, "pg": pg, "pg_backends_lost": lost}


# ---------------------------------------------------------------- clients


def run_kind(base, jobs, clients, limit):
    """Send every (method, path, kwargs, expected) in ``jobs`` from ``clients`` threads, each
    with its own connection and no cookies; stop at ``limit`` seconds. Returns (latencies, errors)."""
    work = queue.Queue()
    for job in jobs:
        work.put(job)
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + limit

    def client():
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.monotonic() < deadline:
                try:
                    method, path, kwargs, expected = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    response = http.request(method, path, **kwargs)
                    status = response.status_code
                    response.read()
                except httpx.HTTPError as error:
                    status = repr(error)
                took = time.perf_counter() - started
                http.cookies.clear()
                with lock:
                    latencies.append(took)
                    if status != expected:
                        errors.append(status)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(limit + 35)
    return latencies, errors


# ---------------------------------------------------------------- resources


@contextlib.contextmanager
def fresh_database():
    name = f"capacity_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped database {name}", file=sys.stderr)


@contextlib.contextmanager
def empty_redis():
    claim = f"capacity-bench-claim:{secrets.token_hex(6)}"
    for number in range(1, 16):
        store = redis.Redis.from_url(f"{REDIS}/{number}", socket_timeout=3)
        if store.dbsize() == 0 and store.set(claim, "1", nx=True) and store.dbsize() == 1:
            try:
                yield f"{REDIS}/{number}", store, claim
            finally:
                store.flushdb()
                store.close()
                print(f"flushed Redis database {number}", file=sys.stderr)
            return
        store.close()
    raise SystemExit("every Redis database 1-15 is in use")


def redis_usage(store, claim):
    """{kind of key: (count, bytes)} by MEMORY USAGE, for every key of the claimed database."""
    usage = defaultdict(lambda: [0, 0])
    for key in store.scan_iter(count=1000):
        name = key.decode("utf-8", "replace")
        if name == claim:
            continue
        kind = re.sub(r"^:\d+:", "", name)  # Django's key version prefix
        kind = re.sub(r"[0-9a-f]{16,}.*$", "*", kind)
        kind = re.sub(r":[^:]*\*$", ":*", kind) if kind.endswith("*") else kind
        bytes_ = store.memory_usage(key, samples=0) or 0
        usage[kind][0] += 1
        usage[kind][1] += bytes_
    return {kind: tuple(v) for kind, v in sorted(usage.items())}


def table_sizes(pg):
    row = pg.execute(
        "SELECT pg_total_relation_size(c.oid), pg_relation_size(c.oid), "
        "COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0), pg_indexes_size(c.oid), "
        "(SELECT count(*) FROM snippets_snippet), (SELECT COALESCE(sum(size), 0) FROM snippets_snippet) "
        "FROM pg_class c WHERE c.relname = 'snippets_snippet'"
    ).fetchone()
    return dict(zip(("total", "heap", "toast", "indexes", "rows", "content"), (int(x) for x in row)))


FILLERS = {"boolean": False, "integer": 0, "bigint": 0, "smallint": 0, "timestamp with time zone": None}


def insert_rows(pg, contents):
    """Snippets straight into the table, as the API would store them (no rendering anywhere).

    Columns this script does not know (the schema grows) get an empty value of their type."""
    now = datetime.now(timezone.utc)
    known = ("id", "title", "filename", "lexer", "content", "size", "sha256", "created_at",
             "burn_after_reading", "delete_token_hash")
    extra = [(name, FILLERS.get(kind, "") if kind != "timestamp with time zone" else now)
             for name, kind in pg.execute(
                 "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'snippets_snippet'"
                 " AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> ALL(%s)", [list(known)]
             ).fetchall()]
    columns = [*known, *(name for name, _ in extra)]
    ids = []
    with pg.transaction(), pg.cursor() as cursor:
        rows = []
        for content, lexer in contents:
            data = content.encode("utf-8")
            snippet_id = secrets.token_urlsafe(9)
            ids.append(snippet_id)
            rows.append((snippet_id, "", "", lexer, content, len(data), hashlib.sha256(data).hexdigest(), now,
                         False, hashlib.sha256(secrets.token_bytes(24)).hexdigest(), *(value for _, value in extra)))
        cursor.executemany(
            f"INSERT INTO snippets_snippet ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", rows)
    return ids


def memory(pids_by_depth):
    """[(role, pid, RSS bytes, PSS bytes, command)] for the server's processes."""
    out = []
    for pid, depth in sorted(pids_by_depth.items(), key=lambda item: (item[1], item[0])):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) * 1024
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) * 1024
            cmd = " ".join(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").split())[:60]
        except (OSError, AttributeError):
            continue
        role = {0: "master", 1: "worker"}.get(depth, "helper")
        out.append((role, pid, rss, pss, cmd))
    return out


# ---------------------------------------------------------------- the run


def measure(args):
    corpus = Corpus()
    rng = random.Random(SEED + 1)
    n = {kind: max(10, int(count * args.scale)) for kind, count in COUNTS.items()}
    results = {"meta": {
        "date_utc": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "cpu_model": next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                           if line.startswith("model name")), "?"),
        "load_average_before": open("/proc/loadavg").read().split()[:3],
        "clients": args.clients,
        "server": servers.procfile_command("web"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "uncommitted_files": len(subprocess.run(["git", "status", "--short", "--untracked-files=no"], cwd=ROOT,
                                                capture_output=True, text=True).stdout.splitlines()),
    }, "kinds": {}}
    with contextlib.ExitStack() as stack:
        dbname = stack.enter_context(fresh_database())
        redis_url, store, claim = stack.enter_context(empty_redis())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="capacity-")))
        env = servers.site_environment(
            tmp, RATELIMIT_ENABLED="false", HOST="127.0.0.1",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{dbname}", REDIS_URL=redis_url)
        results["meta"]["workers"] = env["WEB_CONCURRENCY"]
        results["meta"]["threads"] = env.get("WEB_THREADS", "4 (config default)")
        results["meta"]["highlight_workers"] = env.get("HIGHLIGHT_WORKERS", "2 (default)")
        servers.migrate(env)
        port = servers.free_port()
        process = stack.enter_context(servers.running(servers.procfile_command("web"), env, port, tmp / "gunicorn.log"))
        base = f"http://127.0.0.1:{port}"
        pg = stack.enter_context(psycopg.connect(f"postgres://postgres@127.0.0.1:5432/{dbname}", autocommit=True))
        meter = Meter(process.pid, pg, dbname)
        json_headers = {"Content-Type": "application/json", "Accept": "application/json"}

        def create_jobs(count):
            return [("POST", "/api/snippets", {"content": json.dumps({"content": c, "lexer": lx}),
                                               "headers": json_headers}, 201)
                    for c, lx in (corpus.snippet() for _ in range(count))]

        def created_ids(jobs):
            # Ids come back in the answers; here we read them from the table instead (newest first).
            rows = pg.execute("SELECT id FROM snippets_snippet ORDER BY created_at DESC LIMIT %s", [len(jobs)])
            pg.commit()
            return [row[0] for row in rows.fetchall()]

        def page(snippet_id):
            return ("GET", f"/s/{snippet_id}", {"headers": {"Accept": "text/html"}}, 200)

        def highlight_jobs(count):
            return [("POST", "/highlight/api/highlight", {"content": json.dumps({"code": c, "lexer": lx}),
                                                          "headers": json_headers}, 200)
                    for c, lx in (corpus.snippet() for _ in range(count))]

        def diff_jobs(count, path):
            jobs = []
            for _ in range(count):
                left, _lexer = corpus.snippet()
                body = {"left": left, "right": edited(left, rng)}
                jobs.append(("POST", path, {"content": json.dumps(body), "headers": json_headers}, 200))
            return jobs

        # Warm-up: every kind a few times (starts the highlighter pools, fills lexer lists).
        print("warming up", file=sys.stderr, flush=True)
        warm = create_jobs(6)
        run_kind(base, warm, args.clients, 60)
        warm_ids = created_ids(warm)
        run_kind(base, [page(i) for i in warm_ids] + [("GET", f"/s/{i}/raw", {}, 200) for i in warm_ids]
                 + highlight_jobs(4) + diff_jobs(2, "/diff/api/diff") + diff_jobs(2, "/diff/api/diff.patch"),
                 args.clients, 60)
        time.sleep(1)
        before = meter.snapshot()
        time.sleep(args.idle_seconds)
        idle = Meter.delta(before, meter.snapshot())
        idle_rate = {role: idle[role] / idle["seconds"] for role in ("workers", "helpers", "pg")}
        results["idle_cpu_per_second"] = idle_rate

        def timed(kind, jobs):
            print(f"== {kind}: {len(jobs)} requests", file=sys.stderr, flush=True)
            start = meter.snapshot()
            latencies, errors = run_kind(base, jobs, args.clients, args.kind_seconds)
            time.sleep(0.3)  # let the last request's accounting land
            d = Meter.delta(start, meter.snapshot())
            done = len(latencies)
            cpu = {role: max(0.0, d[role] - idle_rate[role] * d["seconds"]) / max(done, 1)
                   for role in ("workers", "helpers", "pg")}
            results["kinds"][kind] = {
                "requests": done, "errors": len(errors), "error_sample": [str(e) for e in errors[:3]],
                "cpu_ms": {role: 1000 * value for role, value in cpu.items()},
                "server_cpu_ms": 1000 * (cpu["workers"] + cpu["helpers"]),
                "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
                "p90_ms": 1000 * statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 10 else None,
                "pg_backends_lost": d["pg_backends_lost"],
            }

        memory_before = store.info("memory")["used_memory"]
        keys_before = redis_usage(store, claim)
        creates = create_jobs(n["create"])
        sent_bytes = [len(json.loads(job[2]["content"])["content"].encode()) for job in creates]
        timed("create", creates)
        results["content_bytes"] = {"median": statistics.median(sent_bytes), "mean": statistics.mean(sent_bytes),
                                    "p90": statistics.quantiles(sent_bytes, n=10)[-1], "max": max(sent_bytes)}
        ids = created_ids(creates)
        keys_after = redis_usage(store, claim)
        added = {kind: (count - keys_before.get(kind, (0, 0))[0], bytes_ - keys_before.get(kind, (0, 0))[1])
                 for kind, (count, bytes_) in keys_after.items()}
        results["redis_after_creates"] = {"keys": added, "snippets": len(ids),
                                          "used_memory_delta": store.info("memory")["used_memory"] - memory_before}

        cold_ids = insert_rows(pg, [corpus.snippet() for _ in range(n["page-cold"])])
        timed("page-cold", [page(i) for i in cold_ids])
        timed("page-first", [page(i) for i in ids[: n["page-first"]]])
        hot = ids[:HOT]
        run_kind(base, [page(i) for i in hot] * (2 * args.clients), args.clients, 60)  # every worker has them
        timed("page-cached", [page(hot[k % len(hot)]) for k in range(n["page-cached"])])
        timed("raw", [("GET", f"/s/{ids[k % len(ids)]}/raw", {}, 200) for k in range(n["raw"])])
        timed("highlight", highlight_jobs(n["highlight"]))
        timed("diff-json", diff_jobs(n["diff-json"], "/diff/api/diff"))
        timed("diff-patch", diff_jobs(n["diff-patch"], "/diff/api/diff.patch"))

        with httpx.Client(base_url=base, timeout=30) as http:
            sizes = [len(http.get(f"/s/{i}").content) for i in ids[:50]]
        results["page_bytes"] = {"median": statistics.median(sizes), "mean": statistics.mean(sizes)}

        # Storage: --rows more snippets in one transaction.
        print(f"== storage: {args.rows} rows", file=sys.stderr, flush=True)
        sizes_before = table_sizes(pg)
        lsn_before = pg.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        pg.commit()
        rows = [corpus.snippet() for _ in range(args.rows)]
        insert_rows(pg, rows)
        wal = pg.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [lsn_before]).fetchone()[0]
        sizes_after = table_sizes(pg)
        pg.commit()
        results["storage"] = {"before": sizes_before, "after": sizes_after, "rows": args.rows,
                              "wal_bytes": int(wal)}
        results["redis_end"] = {"keys": redis_usage(store, claim)}
        results["connections"] = {
            "pg_backends_now": len(meter.backends()), "pg_backends_max_seen": meter.max_backends,
            "redis_clients": sum(1 for c in store.client_list() if str(c.get("db")) == redis_url.rsplit("/", 1)[1])
                             - 1,  # this script's own
        }
        pg.commit()
        results["memory"] = memory(tree(process.pid, proc_table()))
        results["meta"]["load_average_after"] = open("/proc/loadavg").read().split()[:3]
        results["server_log_errors"] = sum(1 for line in (tmp / "gunicorn.log").read_text(errors="replace")
                                           .splitlines() if "Traceback" in line or "[ERROR]" in line)
    return results


# ---------------------------------------------------------------- the model


def model(results, args):
    k = {kind: v["server_cpu_ms"] / 1000 for kind, v in results["kinds"].items()}
    pg_cpu = {kind: v["cpu_ms"]["pg"] / 1000 for kind, v in results["kinds"].items()}
    budget = args.cores * args.utilisation  # CPU-s per second one instance may spend
    creates = args.creates_per_day / 86400
    peak_creates = creates * args.peak_factor
    views = args.views_per_second
    hl = k["highlight"]  # one uncached highlight, same content distribution as creates
    out = {"inputs": {"creates_per_second_average": creates, "creates_per_second_peak": peak_creates,
                      "views_per_second": views, "utilisation": args.utilisation, "instance_cores": args.cores}}
    scenarios = {}
    for name, cached, cold in (("base", args.page_hit, args.cold), ("optimistic", 0.95, args.cold),
                               ("pessimistic", 0.5, args.cold), ("worst", 0.5, 0.10)):
        first = max(0.0, 1 - cached - cold)
        # Site tier: page views (highlighting of cold pages and creates moved to the highlighter tier).
        site_view = cached * k["page-cached"] + first * k["page-first"] + cold * max(0.0, k["page-cold"] - hl)
        site_cpu = views * site_view + peak_creates * max(0.0, k["create"] - hl)
        hl_rate = peak_creates + views * cold
        hl_cpu = hl_rate * hl
        pg = views * (cached * pg_cpu["page-cached"] + first * pg_cpu["page-first"] + cold * pg_cpu["page-cold"]) \
            + peak_creates * pg_cpu["create"]
        view_cpu = cached * k["page-cached"] + first * k["page-first"] + cold * k["page-cold"]
        scenarios[name] = {
            "views_per_instance": budget / view_cpu,
            "page_cache_hit": cached, "redis_rendering_hit": first, "cold": cold,
            "site_cpu_seconds_per_second": site_cpu, "site_instances": math.ceil(site_cpu / budget),
            "highlights_per_second": hl_rate, "highlighter_cpu_seconds_per_second": hl_cpu,
            "highlighter_cores": math.ceil(hl_cpu / args.utilisation * 10) / 10,
            "pg_cpu_seconds_per_second": pg,
        }
    out["scenarios"] = scenarios
    st = results["storage"]
    per_row = (st["after"]["total"] - st["before"]["total"]) / st["rows"]
    out["postgres"] = {
        "bytes_per_snippet": per_row,
        "content_bytes_per_snippet": (st["after"]["content"] - st["before"]["content"]) / st["rows"],
        "wal_bytes_per_snippet": st["wal_bytes"] / st["rows"],
        "gb_per_day": per_row * args.creates_per_day / 1e9,
        "gb_per_30_days": per_row * args.creates_per_day * 30 / 1e9,
        "inserts_per_second_average": creates, "inserts_per_second_peak": peak_creates,
        "wal_mb_per_second_peak": st["wal_bytes"] / st["rows"] * peak_creates / 1e6,
        "queries_per_second": views + peak_creates,  # one query per view (cached or not), one insert per create
    }
    keys = results["redis_after_creates"]["keys"]
    render = sum(b for kind, (c, b) in keys.items() if kind.startswith("snippets:render"))
    render_n = sum(c for kind, (c, b) in keys.items() if kind.startswith("snippets:render"))
    hlr = sum(b for kind, (c, b) in keys.items() if kind.startswith("highlighter:"))
    hlr_n = sum(c for kind, (c, b) in keys.items() if kind.startswith("highlighter:"))
    per_render = render / max(render_n, 1)
    per_hl = hlr / max(hlr_n, 1)
    day = args.creates_per_day
    out["redis"] = {
        "bytes_per_rendering": per_render, "bytes_per_highlighter_result": per_hl,
        # renderings live 24 h (apps/snippets/apps.py rendering_ttl); highlighter results 7 days
        # (HIGHLIGHT_CACHE_TTL): one day's new snippets of the first, seven days' of the second.
        "gb_new_snippets_renderings_24h": day * per_render / 1e9,
        "gb_highlighter_results_7d": 7 * day * per_hl / 1e9,
    }
    return out


# ---------------------------------------------------------------- output


def report(results, mdl):
    m = results["meta"]
    lines = [f"capacity inputs, {m['date_utc']}, {m['cpus']} CPUs ({m['cpu_model']}), load average "
             f"before {' '.join(m['load_average_before'])}, after {' '.join(m['load_average_after'])}",
             f"code: commit {m['commit']} plus {m['uncommitted_files']} files with uncommitted changes in the work tree",
             f"server: {m['server']}; WEB_CONCURRENCY={m['workers']}, WEB_THREADS={m['threads']}, "
             f"HIGHLIGHT_WORKERS={m['highlight_workers']}; PostgreSQL + Redis on loopback; {m['clients']} client threads",
             f"idle tree CPU (subtracted): workers {1000 * results['idle_cpu_per_second']['workers']:.1f} ms/s, "
             f"pool processes {1000 * results['idle_cpu_per_second']['helpers']:.1f} ms/s",
             "",
             "| kind | requests | errors | server CPU ms/req | of which pool processes | PostgreSQL backend CPU ms/req "
             "| req/s per 2-core instance at 70 % | p50 ms | p90 ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, v in results["kinds"].items():
        cpu = v["server_cpu_ms"]
        capacity = 2 * 0.7 / (cpu / 1000) if cpu > 0 else float("inf")
        lines.append(f"| {kind} | {v['requests']} | {v['errors']} | {cpu:.2f} | {v['cpu_ms']['helpers']:.2f} | "
                     f"{v['cpu_ms']['pg']:.2f} | {capacity:,.0f} | {v['p50_ms']:.1f} | "
                     f"{v['p90_ms'] if v['p90_ms'] is None else round(v['p90_ms'], 1)} |")
    errors = {k: v["error_sample"] for k, v in results["kinds"].items() if v["errors"]}
    if errors:
        lines.append(f"error samples: {errors}")
    c = results["content_bytes"]
    lines += ["", f"snippet content (creates): median {c['median']:,.0f} B, mean {c['mean']:,.0f} B, "
              f"p90 {c['p90']:,.0f} B, max {c['max']:,} B; snippet page: median {results['page_bytes']['median']:,.0f} B"]
    st = results["storage"]
    b, a = st["before"], st["after"]
    lines.append(f"PostgreSQL, {st['rows']:,} rows inserted: table+toast+indexes {a['total'] - b['total']:,} B "
                 f"(heap {a['heap'] - b['heap']:,}, toast {a['toast'] - b['toast']:,}, indexes {a['indexes'] - b['indexes']:,}) "
                 f"for {a['content'] - b['content']:,} B of content; WAL {st['wal_bytes']:,} B (cluster-wide)")
    r = results["redis_after_creates"]
    lines.append(f"Redis, added by {r['snippets']} creates (MEMORY USAGE by key kind; used_memory delta, "
                 f"server-wide: {r['used_memory_delta']:,} B):")
    for kind, (count, bytes_) in r["keys"].items():
        lines.append(f"  {kind}: {count} keys, {bytes_:,} B, {bytes_ / count:,.0f} B/key")
    lines.append("Redis at the end (after the highlight API and page-cold runs too):")
    for kind, (count, bytes_) in results["redis_end"]["keys"].items():
        lines.append(f"  {kind}: {count} keys, {bytes_:,} B, {bytes_ / count:,.0f} B/key")
    cn = results["connections"]
    lines.append(f"connections: PostgreSQL backends for the site now {cn['pg_backends_now']}, most seen "
                 f"{cn['pg_backends_max_seen']}; Redis clients on its database {cn['redis_clients']}")
    lines.append("process memory (RSS / PSS MiB):")
    for role, pid, rss, pss, cmd in results["memory"]:
        lines.append(f"  {role:7} {pid:>7} {rss / 2**20:7.1f} / {pss / 2**20:6.1f}  {cmd}")
    lines.append(f"server log lines with Traceback/[ERROR]: {results['server_log_errors']}")

    lines += ["", "model (docs/capacity.md explains each input):"]
    i = mdl["inputs"]
    lines.append(f"  creates {i['creates_per_second_average']:.1f}/s average, {i['creates_per_second_peak']:.1f}/s peak; "
                 f"views {i['views_per_second']:,}/s; instances of {i['instance_cores']} cores at "
                 f"{100 * i['utilisation']:.0f} %")
    for name, s in mdl["scenarios"].items():
        lines.append(f"  {name:11} page-cache hits {100 * s['page_cache_hit']:.0f} %, Redis rendering "
                     f"{100 * s['redis_rendering_hit']:.0f} %, cold {100 * s['cold']:.0f} %: one co-mounted instance serves "
                     f"{s['views_per_instance']:,.0f} views/s; site "
                     f"{s['site_cpu_seconds_per_second']:.2f} CPU-s/s = {s['site_instances']} instances; highlighter "
                     f"{s['highlights_per_second']:.1f}/s = {s['highlighter_cpu_seconds_per_second']:.2f} CPU-s/s "
                     f"({s['highlighter_cores']} cores); PostgreSQL {s['pg_cpu_seconds_per_second']:.2f} CPU-s/s")
    p = mdl["postgres"]
    lines.append(f"  PostgreSQL: {p['bytes_per_snippet']:,.0f} B/snippet ({p['content_bytes_per_snippet']:,.0f} B content), "
                 f"{p['gb_per_day']:.2f} GB/day, {p['gb_per_30_days']:.0f} GB/30 days; "
                 f"{p['inserts_per_second_peak']:.0f} inserts/s peak, WAL ~{p['wal_mb_per_second_peak']:.2f} MB/s peak "
                 f"({p['wal_bytes_per_snippet']:,.0f} B/snippet); {p['queries_per_second']:,.0f} queries/s")
    rd = mdl["redis"]
    lines.append(f"  Redis: {rd['bytes_per_rendering']:,.0f} B/rendering, {rd['bytes_per_highlighter_result']:,.0f} B/highlighter "
                 f"result; a day's renderings {rd['gb_new_snippets_renderings_24h']:.2f} GB, 7 days of highlighter "
                 f"results {rd['gb_highlighter_results_7d']:.2f} GB")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every request count (default 1)")
    parser.add_argument("--clients", type=int, default=2, help="client threads, one connection each (default 2)")
    parser.add_argument("--kind-seconds", type=float, default=25, help="time limit per kind (default 25)")
    parser.add_argument("--idle-seconds", type=float, default=3, help="idle CPU measurement (default 3)")
    parser.add_argument("--rows", type=int, default=2000, help="snippets inserted for the storage figure")
    parser.add_argument("--creates-per-day", type=float, default=1_000_000)
    parser.add_argument("--peak-factor", type=float, default=3.0, help="peak create rate / average (default 3)")
    parser.add_argument("--views-per-second", type=float, default=2000)
    parser.add_argument("--page-hit", type=float, default=0.80, help="share of views from the page cache (default 0.8)")
    parser.add_argument("--cold", type=float, default=0.01, help="share of views that need a highlight (default 0.01)")
    parser.add_argument("--utilisation", type=float, default=0.7, help="CPU share an instance may use (default 0.7)")
    parser.add_argument("--cores", type=int, default=2, help="cores per instance (default 2)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = measure(args)
    mdl = model(results, args)
    results["model"] = mdl
    print(report(results, mdl))
    print(f"\n(run took {time.monotonic() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
