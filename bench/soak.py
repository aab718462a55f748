"""Issue 9's attacks, all at once, against the Procfile's gunicorn, while a probe times
``/healthz`` and every worker's memory is sampled.

    .venv/bin/python bench/soak.py                  # 60 s, 2 workers x 4 threads
    .venv/bin/python bench/soak.py --duration 30 --json soak.json
    .venv/bin/python bench/soak.py --duration 10 --only compare,style   # some attacks only

The server is the Procfile's ``web:`` command on a free loopback port, DEBUG off, SQLite in
a temporary directory, rate limits off (``tests/servers.site_environment``): the soak
measures each attack's own bounds, which must hold for an attacker with many addresses. Every attack loops a bounded
number of times and stops at the deadline; every client request gives up after
``--timeout`` seconds, so a bad server cannot make the soak run away. The probe runs in
its own process (the attackers' threads cannot slow it down) and asks ``/healthz`` one
request at a time on a fresh connection. Memory is each worker's RSS from ``/proc``, alone
and with its children (the highlighter's process pool).

It prints one row per attack: the answers seen (status, or the client's error), the probe's
p99 and worst latency while that attack ran, then each worker's start and peak RSS.
Not run in CI: it is a measurement, and it loads the machine for a minute.
"""

import argparse
import collections
import json
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import servers  # noqa: E402

MIB = 1024 * 1024
SNIPPET_MAX_BYTES = 512 * 1024  # the default: "x\n" x 262,144 is the largest snippet
STYLES = ("default", "monokai", "friendly", "colorful", "autumn", "murphy", "manni", "perldoc",
          "pastie", "borland", "trac", "native")


# --- what the attackers send -------------------------------------------------------------


def distinct_words_line(size):
    """One line of distinct words, ``size`` bytes long: the worst case for word marks."""
    words, total, i = [], 0, 0
    while total < size:
        word = f"w{i:x}"
        words.append(word)
        total += len(word) + 1
        i += 1
    return " ".join(words)[:size] + "\n"


def short_lines(count):
    """``count`` short lines built from the same words, so every one could pair with the long line."""
    return "".join(f"w{i * 3:x} w{i * 3 + 1:x} w{i * 3 + 2:x}\n" for i in range(count))


def snippet_fields(content, lexer):
    """A create request's fields as multipart form fields (``curl -F``): no JSON escaping, so
    the largest snippet fits the paste site's body limit."""
    return {"content": (None, content.encode()), "lexer": (None, lexer.encode())}


def form_body(fields):
    return urllib.parse.urlencode(fields).encode("ascii")


# --- bookkeeping -------------------------------------------------------------------------


@dataclass
class Tally:
    """What one attack saw: answers by status (or error) and when it ran."""

    name: str
    answers: collections.Counter = field(default_factory=collections.Counter)
    started: float = None
    ended: float = None
    biggest_answer: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self):
        with self.lock:
            if self.started is None:
                self.started = time.monotonic()

    def record(self, outcome, size=0):
        with self.lock:
            self.answers[str(outcome)] += 1
            self.biggest_answer = max(self.biggest_answer, size)
            self.ended = time.monotonic()

    def summary(self):
        return ", ".join(f"{outcome}×{count}" for outcome, count in sorted(self.answers.items())) or "none"


def send_and_read(client, method, url, tally, timeout, **kwargs):
    """One request; the whole answer is read (and counted, not kept) within ``timeout`` s."""
    tally.begin()
    start = time.monotonic()
    size = 0
    try:
        with client.stream(method, url, **kwargs) as response:
            for chunk in response.iter_raw():
                size += len(chunk)
                if time.monotonic() - start > timeout:
                    tally.record("gave up", size)
                    return None
            tally.record(response.status_code, size)
            return response
    except httpx.HTTPError as error:
        tally.record(type(error).__name__, size)
        return None


def repeat(count, deadline, action):
    for _ in range(count):
        if time.monotonic() >= deadline:
            return
        action()


def in_threads(count, target):
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


# --- the attacks -------------------------------------------------------------------------


class Soak:
    def __init__(self, base_url, port, duration, timeout):
        self.base = base_url
        self.port = port
        self.deadline = time.monotonic() + duration
        self.timeout = timeout
        self.tallies = {}
        self.http_timeout = httpx.Timeout(timeout, connect=5.0)

    def tally(self, name):
        return self.tallies.setdefault(name, Tally(name))

    def client(self):
        return httpx.Client(base_url=self.base, timeout=self.http_timeout)

    def attacks(self):
        return (self.stalled_uploads, self.one_byte_chunks, self.word_marks_api, self.word_marks_compare,
                self.maximal_creates, self.style_views, self.highlight_table, self.highlight_svg,
                self.million_lines_api, self.million_lines_form)

    def start(self, only=()):
        """The attacks (all, or those whose method name contains a word of ``only``) in their
        own threads, all at once; returns the threads."""
        threads = []
        for attack in self.attacks():
            if not only or any(word in attack.__name__ for word in only):
                threads += attack()
        return threads

    # 1. forty uploads that declare 12 MB, send all but the last byte, and hold
    def stalled_uploads(self, connections=40, declared=12_000_000):
        tally = self.tally("stalled 12 MB uploads ×40 (POST /diff/api/diff)")
        head = (f"POST /diff/api/diff HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {declared}\r\n\r\n").encode()
        body = b"a" * (declared - 1)

        def stall():
            tally.begin()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout) as sock:
                    try:
                        sock.sendall(head + body)
                    except TimeoutError:
                        pass  # the server stopped reading: hold what we have
                    except OSError as error:  # refused mid-send: what did it say, if anything?
                        tally.record(self.answer(sock, time.monotonic(), f"send: {type(error).__name__}"))
                        return
                    tally.record(self.hold(sock))
            except OSError as error:
                tally.record(f"connect: {type(error).__name__}")

        return in_threads(connections, stall)

    def hold(self, sock):
        """Wait (never sending the last byte) until the server answers, closes, or time is up."""
        received = b""
        while time.monotonic() < self.deadline:
            sock.settimeout(max(0.1, min(1.0, self.deadline - time.monotonic())))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError as error:
                return f"{type(error).__name__}" if not received else status_of(received)
            if not chunk:
                return status_of(received) if received else "closed"
            received += chunk
            if b"\r\n\r\n" in received:
                return status_of(received)
        return "held to the end"

    # 2. eight bodies of 6 MiB sent as 1-byte chunks
    def one_byte_chunks(self, connections=8, size=6 * MIB, rounds=3):
        tally = self.tally("6 MiB in 1-byte chunks ×8")
        head = (b"POST /diff/api/diff HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        payload = head + b"1\r\nA\r\n" * size + b"0\r\n\r\n"

        def send():
            def once():
                tally.begin()
                start = time.monotonic()
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout) as sock:
                        try:
                            sock.sendall(payload)
                        except OSError:
                            pass  # refused mid-send: read the answer, if any
                        tally.record(self.answer(sock, start))
                except OSError as error:
                    tally.record(f"connect: {type(error).__name__}")
            repeat(rounds, self.deadline, once)

        return in_threads(connections, send)

    def answer(self, sock, start, silence="no answer"):
        received = b""
        while time.monotonic() - start < self.timeout:
            sock.settimeout(max(0.1, self.timeout - (time.monotonic() - start)))
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, OSError):
                break
            if not chunk or b"\r\n\r\n" in received + chunk:
                received += chunk
                break
            received += chunk
        return status_of(received) if received else silence

    # 3. word marks: one ~2 MB line of distinct words against 1,600 short lines
    def word_marks_api(self, clients=2, rounds=3):
        tally = self.tally("word marks 2 MB line vs 1,600 lines (API)")
        body = json.dumps({"left": distinct_words_line(2_000_000), "right": short_lines(1600)}).encode()

        def post():
            with self.client() as client:
                repeat(rounds, self.deadline, lambda: send_and_read(
                    client, "POST", "/diff/api/diff", tally, self.timeout,
                    content=body, headers={"Content-Type": "application/json"}))

        return in_threads(clients, post)

    def word_marks_compare(self, views=10):
        """The same shape stored as two snippets (the long line at the snippet limit), compared by link."""
        tally = self.tally("word marks via /diff/compare ×10")

        def store_then_view():
            with self.client() as client:
                left = self.create(client, distinct_words_line(SNIPPET_MAX_BYTES - 1024), tally)
                right = self.create(client, short_lines(1600), tally)
            if left and right:
                url = f"/diff/compare?left=/s/{left}/raw&right=/s/{right}/raw"
                for thread in in_threads(views, lambda: self.view(url, tally)):
                    thread.join()

        return in_threads(1, store_then_view)

    def view(self, url, tally):
        with self.client() as client:
            send_and_read(client, "GET", url, tally, self.timeout)

    def create(self, client, content, tally, lexer="text", attempts=10):
        """A stored snippet's id, or None when the site would not store it (each refusal tallied;
        a busy site, 503, is asked again a second later, until the deadline)."""
        for _ in range(attempts):
            try:
                response = client.post("/api/snippets", files=snippet_fields(content, lexer))
            except httpx.HTTPError as error:
                tally.record(f"create: {type(error).__name__}")
                return None
            if response.status_code == 201:
                return response.json()["id"]
            tally.record(f"create: {response.status_code}")
            if response.status_code != 503 or time.monotonic() + 1 >= self.deadline:
                return None
            time.sleep(1)
        return None

    # 4. renderings: thirty creates of the largest snippet; twelve styles of one
    def maximal_creates(self, clients=3, per_client=10):
        tally = self.tally('creates of "x\\n" × 262,144 ×30')
        fields = snippet_fields("x\n" * (SNIPPET_MAX_BYTES // 2), "python")

        def create():
            with self.client() as client:
                repeat(per_client, self.deadline, lambda: send_and_read(
                    client, "POST", "/api/snippets", tally, self.timeout, files=fields))

        return in_threads(clients, create)

    def style_views(self, clients=3):
        tally = self.tally("?style= views of a maximal snippet ×12")
        styles = collections.deque(STYLES)
        stored = {}
        ready = threading.Event()

        def store():
            with self.client() as client:
                stored["id"] = self.create(client, "x\n" * (SNIPPET_MAX_BYTES // 2), tally, lexer="python")
            ready.set()

        def view():
            ready.wait()
            snippet = stored["id"]
            if snippet is None:
                return
            with self.client() as client:
                while True:
                    try:
                        style = styles.popleft()
                    except IndexError:
                        return
                    if time.monotonic() >= self.deadline:
                        return
                    send_and_read(client, "GET", f"/s/{snippet}?style={style}", tally, self.timeout)

        return in_threads(1, store) + in_threads(clients, view)

    # 5. amplification: highlight options that multiply the answer
    def highlight_table(self, clients=2, rounds=2):
        tally = self.tally("1.5 MB highlight, linenos table + long names")
        name = "a" + "b" * 63
        body = json.dumps({
            "code": "x = 1\n" * 170_000, "lexer": "python",
            "options": {"linenos": "table", "linenostart": 123_456_789, "anchorlinenos": True,
                        "lineanchors": name, "linespans": name, "cssclass": name},
        }).encode()
        return self.highlight(tally, body, clients, rounds)

    def highlight_svg(self, clients=2, rounds=2):
        tally = self.tally("1 MB highlight as SVG")
        body = json.dumps({"code": "x = 1\n" * 170_000, "lexer": "python", "format": "svg"}).encode()
        return self.highlight(tally, body, clients, rounds)

    def highlight(self, tally, body, clients, rounds):
        def post():
            with self.client() as client:
                repeat(rounds, self.deadline, lambda: send_and_read(
                    client, "POST", "/highlight/api/highlight", tally, self.timeout,
                    content=body, headers={"Content-Type": "application/json"}))

        return in_threads(clients, post)

    # 5. amplification: a million different one-character lines per side
    def million_lines_api(self, rounds=3):
        tally = self.tally("1M one-char lines per side (API)")
        body = json.dumps({"left": "a\n" * 1_000_000, "right": "b\n" * 1_000_000}).encode()

        def post():
            with self.client() as client:
                repeat(rounds, self.deadline, lambda: send_and_read(
                    client, "POST", "/diff/api/diff", tally, self.timeout,
                    content=body, headers={"Content-Type": "application/json"}))

        return in_threads(1, post)

    def million_lines_form(self, rounds=3):
        tally = self.tally("1M one-char lines per side (/diff/ form)")
        body = form_body({"left": "a\n" * 1_000_000, "right": "b\n" * 1_000_000})

        def post():
            with self.client() as client:
                repeat(rounds, self.deadline, lambda: send_and_read(
                    client, "POST", "/diff/", tally, self.timeout,
                    content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}))

        return in_threads(1, post)


def status_of(raw):
    try:
        return int(raw.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return "garbled answer"


# --- the probe (its own process) and the memory sampler ----------------------------------


def probe(url, seconds, results):
    """Ask ``url`` one request at a time for ``seconds``: (wall time, latency, outcome) each."""
    samples = []
    end = time.time() + seconds
    with httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0)) as http:
        while time.time() < end:
            start = time.time()
            try:
                outcome = http.get(url, headers={"Connection": "close"}).status_code
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            samples.append((start, time.time() - start, outcome))
            time.sleep(0.05)
    results.put(samples)


def children(pid):
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []


def rss_bytes(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def descendants(pid):
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


class MemorySampler(threading.Thread):
    """Each gunicorn worker's RSS, alone and with its children, every ``interval`` seconds."""

    def __init__(self, master_pid, interval=0.25):
        super().__init__(daemon=True)
        self.master = master_pid
        self.interval = interval
        self.first = {}  # worker pid -> (rss, tree rss) at its first sample
        self.peak = collections.defaultdict(lambda: (0, 0))
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)

    def sample(self):
        for worker in children(self.master):
            own = rss_bytes(worker)
            tree = own + sum(rss_bytes(pid) for pid in descendants(worker))
            self.first.setdefault(worker, (own, tree))
            peak_own, peak_tree = self.peak[worker]
            self.peak[worker] = (max(peak_own, own), max(peak_tree, tree))


# --- the report --------------------------------------------------------------------------


def latency_stats(samples, since=None, until=None):
    chosen = [s for s in samples if (since is None or s[0] >= since) and (until is None or s[0] <= until)]
    latencies = sorted(latency for _, latency, _ in chosen)
    if not latencies:
        return {"probes": 0}
    return {
        "probes": len(latencies),
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "worst": latencies[-1],
        "not 200": sum(1 for _, _, outcome in chosen if outcome != 200),
    }


def report(soak, samples, memory, wall_offset):
    print()
    print("| attack | answers seen | /healthz p99 / worst while it ran (not 200) | largest answer |")
    print("|---|---|---|---|")
    rows = []
    for tally in soak.tallies.values():
        since = tally.started + wall_offset if tally.started else None
        until = tally.ended + wall_offset if tally.ended else None
        stats = latency_stats(samples, since, until)
        timing = (f"{stats['p99']:.2f} s / {stats['worst']:.2f} s ({stats['not 200']})"
                  if stats["probes"] else "no probe")
        print(f"| {tally.name} | {tally.summary()} | {timing} | {tally.biggest_answer / MIB:.2f} MiB |")
        rows.append({"attack": tally.name, "answers": dict(tally.answers), "probe": stats,
                     "largest_answer": tally.biggest_answer})
    overall = latency_stats(samples)
    print()
    if overall["probes"]:
        print(f"/healthz over the whole soak: {overall['probes']} probes, p50 {overall['p50']:.3f} s, "
              f"p99 {overall['p99']:.3f} s, worst {overall['worst']:.3f} s, {overall['not 200']} not 200")
        slow = sorted((s for s in samples if s[1] >= 0.5), key=lambda s: -s[1])[:5]
        started = min(s[0] for s in samples)
        if slow:
            print("slowest probes: " + ", ".join(
                f"{latency:.2f} s at +{start - started:.0f} s ({outcome})" for start, latency, outcome in slow))
    print()
    print("| worker pid | RSS at start | peak RSS | peak RSS with its children |")
    print("|---|---|---|---|")
    workers = []
    for pid, (own, tree) in memory.peak.items():
        first_own, _ = memory.first[pid]
        print(f"| {pid} | {first_own / MIB:.0f} MiB | {own / MIB:.0f} MiB | {tree / MIB:.0f} MiB |")
        workers.append({"pid": pid, "start": first_own, "peak": own, "peak_with_children": tree})
    return {"attacks": rows, "healthz": overall, "workers": workers}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of attack (default 60)")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds each client request may take")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--log", help="keep the server's log in this file")
    parser.add_argument("--only", default="", help="comma-separated parts of attack names, e.g. compare,style")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="soak-") as data:
        env = servers.site_environment(data, WEB_CONCURRENCY="2", WEB_THREADS="4")
        env.pop("DATABASE_URL", None)  # SQLite in the temporary directory
        servers.migrate(env)
        port = servers.free_port()
        log = Path(data) / "gunicorn.log"
        with servers.running(servers.procfile_command("web"), env, port, log) as server:
            base = f"http://127.0.0.1:{port}"
            results = multiprocessing.get_context("fork").Queue()
            prober = multiprocessing.get_context("fork").Process(
                target=probe, args=(base + "/healthz", args.duration + args.timeout, results), daemon=True)
            prober.start()
            memory = MemorySampler(server.pid)
            memory.start()
            wall_offset = time.time() - time.monotonic()
            soak = Soak(base, port, args.duration, args.timeout)
            print(f"soak: {args.duration:.0f} s of every attack against {base} (log: {log})", flush=True)
            threads = soak.start([word.strip() for word in args.only.split(",") if word.strip()])
            for thread in threads:
                thread.join(max(0.0, soak.deadline + args.timeout + 5 - time.monotonic()))
            samples = results.get(timeout=args.duration + 4 * args.timeout)
            prober.join(5)
            memory.stop.set()
            memory.join(5)
            figures = report(soak, samples, memory, wall_offset)
            errors = log.read_text(errors="replace").count("Traceback")
            print(f"\ntracebacks in the server log: {errors}")
            figures["tracebacks"] = errors
            if args.log:
                Path(args.log).write_bytes(log.read_bytes())
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
