"""What the language detector's model costs each highlighter process: memory and start-up time.

Starts one highlighting process (``apps.highlighter.core.Highlighter``, the pool every server
process runs, ``HIGHLIGHT_WORKERS`` of them) with the content model, and one without it (a
``magika`` and an ``onnxruntime`` that cannot be imported put first on the child's path: detection
degrades to its other rules, as it does when the packages are missing, and the process is what a
highlighting process was before the model), several times each, and prints the
median of: the time ``start()`` takes until the process says it is ready (wall clock, and the
CPU time the process used, which load does not inflate), its resident (RSS)
and proportional (PSS) memory right after, and after 200 guesses on varied text.

    .venv/bin/python bench/detect_memory.py [--runs 5]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.highlighter.core import Highlighter  # noqa: E402

TEXTS = [
    "def f(x):\n    return x * 2\n" * 20,
    'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n' * 10,
    "SELECT id, name FROM users WHERE id = 1;\n" * 30,
    "Dear all, the meeting moves to noon.\n" * 40,
    "<html><body><p>Hello</p></body></html>\n" * 30,
]


def memory_mib(pid):
    """(RSS, PSS) of a process in MiB, from /proc (Linux)."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                fields[name] = int(rest.split()[0]) / 1024
    return fields["Rss"], fields["Pss"]


def cpu_seconds(pid):
    """CPU time (user + system) a process has used, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(runs):
    """Medians over ``runs`` processes of: wall and CPU seconds to start, RSS and PSS after."""
    samples = {"start s (wall)": [], "start s (CPU)": [], "RSS MiB": [], "PSS MiB": [],
               "RSS after 200 guesses MiB": []}
    for _ in range(runs):
        with Highlighter(workers=1, timeout=10.0) as pool:
            began = time.perf_counter()
            pool.start()
            samples["start s (wall)"].append(time.perf_counter() - began)
            pid = pool.worker_pids()[0]
            samples["start s (CPU)"].append(cpu_seconds(pid))
            rss, pss = memory_mib(pid)
            samples["RSS MiB"].append(rss)
            samples["PSS MiB"].append(pss)
            for index in range(200):
                pool.guess(None, TEXTS[index % len(TEXTS)] + str(index))
            samples["RSS after 200 guesses MiB"].append(memory_mib(pid)[0])
    return {name: statistics.median(values) for name, values in samples.items()}


def without_model(runs):
    with tempfile.TemporaryDirectory() as shadow:
        for package in ("magika", "onnxruntime"):
            Path(shadow, package).mkdir()
            Path(shadow, package, "__init__.py").write_text(f'raise ImportError("{package} hidden by the bench")\n')
        previous = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = shadow
        try:
            return measure(runs)
        finally:
            if previous is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = previous


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with_it, without_it = measure(runs), without_model(runs)
    print(f"one highlighting process, median of {runs} (os.cpu_count()={os.cpu_count()})")
    print(f"{'':28s}{'with model':>12s}{'without':>12s}{'difference':>12s}")
    for name in with_it:
        print(f"{name:28s}{with_it[name]:12.2f}{without_it[name]:12.2f}{with_it[name] - without_it[name]:12.2f}")


if __name__ == "__main__":
    main()
