"""The highlighter on real servers: alone under ``flask run`` (with the shell and Ruby
examples as its clients), and inside the whole site under the Procfile's gunicorn, where
a slow input must end at the time budget while the same workers keep serving others: the
process on it is killed having used no more than the budget of CPU time (``tests/waiting.py``)."""

import json
import shutil
import socket
import subprocess
import threading

import httpx
import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from tests.payloads import SLOW_SCALA_FIELDS
from tests.servers import ROOT, free_port, migrate, procfile_command, running, site_environment
from tests.waiting import PATIENCE, Running, cpu_seconds, cpu_until_gone, descendants_running, set_to_work

pytestmark = pytest.mark.server

SLACK = 0.5  # of a budget: CPU time a process may use past it while it is being killed
CODE = "def greet(name):\n    return f\"it's {name} — café\"\n"


@pytest.fixture(scope="module")
def flask_run(tmp_path_factory):
    """``flask --app apps.highlighter run`` on a free port: the app with no composite."""
    data = tmp_path_factory.mktemp("flask-run")
    port = free_port()
    command = "flask --app apps.highlighter run --port $PORT"
    with running(command, site_environment(data), port, data / "flask.log", ready_path="/_health"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def code_file(tmp_path):
    path = tmp_path / "greet.py"
    path.write_text(CODE, encoding="utf-8")
    return path


def test_flask_run_serves_every_endpoint(flask_run):
    with httpx.Client(base_url=flask_run, timeout=10) as http:
        page = http.get("/")
        assert "Highlighter playground" in page.text and 'data-api="/api/highlight"' in page.text
        assert http.get("/static/playground.js").status_code == 200
        answer = http.post("/api/highlight", json={"code": CODE, "lexer": "python"})
        assert answer.json()["output"] == highlight(CODE, PythonLexer(), HtmlFormatter())
        assert http.post("/api/highlight", json={"code": CODE, "lexer": "python"},
                         headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304
        assert http.post("/", data={"lang": "python", "code": CODE}).text == answer.json()["output"]
        assert http.post("/api/guess", json={"filename": "x.rb"}).json()["lexer"]["alias"] == "ruby"
        for path in ("/api/lexers", "/api/styles", "/api/formatters", "/api/openapi.json", "/styles/default.css"):
            assert http.get(path).status_code == 200, path
        assert http.get("/api/nope").json()["error"]["code"] == "not_found"


def test_flask_run_refuses_a_huge_declared_body_without_reading_it(flask_run):
    status_line = raw_post_status(flask_run, content_length=10**9)
    assert b" 413 " in status_line


def raw_post_status(base, content_length, path="/api/highlight"):
    """Send only the headers of a huge body and read the status line (the body never comes)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {content_length}\r\n\r\n".encode())
        return sock.makefile("rb").readline()


def test_the_shell_example_uses_the_service_with_curl(flask_run, code_file):
    env = {"PATH": "/usr/bin:/bin", "HIGHLIGHTER_URL": flask_run}
    script = str(ROOT / "examples" / "shell" / "highlight.sh")

    def run(*args):
        return subprocess.run(["sh", script, *args], env=env, capture_output=True, timeout=30)

    expected = highlight(CODE, PythonLexer(), HtmlFormatter())
    as_json = run("json", str(code_file), '{"linenos": "inline"}')
    assert as_json.returncode == 0, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert answer["lexer"]["alias"] == "python" and answer["guessed"] is True  # from the file's name
    assert answer["output"] == highlight(CODE, PythonLexer(), HtmlFormatter(linenos="inline"))
    html = run("html", "python", str(code_file))
    assert html.returncode == 0 and html.stdout.decode() == expected
    assert run("css", "monokai").stdout.decode() == HtmlFormatter(style="monokai").get_style_defs(".highlight")
    assert any(entry["name"] == "Python" for entry in json.loads(run("lexers").stdout))
    refused = run("html", "klingon", str(code_file))
    assert refused.returncode == 22 and json.loads(refused.stdout)["error"]["code"] == "unknown_lexer"


def test_the_ruby_example_uses_the_service_with_net_http(flask_run, code_file):
    ruby = shutil.which("ruby")
    if ruby is None:
        pytest.skip("ruby is not installed (CI installs it: tests/system-deps.sh)")
    env = {"PATH": "/usr/bin:/bin", "HIGHLIGHTER_URL": flask_run, "LANG": "C.UTF-8"}
    script = str(ROOT / "examples" / "ruby" / "highlight.rb")
    expected = highlight(CODE, PythonLexer(), HtmlFormatter())
    for args in (["python", str(code_file)], ["--legacy", "python", str(code_file)]):
        done = subprocess.run([ruby, script, *args], env=env, capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode() == expected
    refused = subprocess.run([ruby, script, "klingon", str(code_file)], env=env, capture_output=True, timeout=30)
    assert refused.returncode == 1 and b"unknown_lexer" in refused.stderr


@pytest.fixture(scope="module")
def gunicorn_site(tmp_path_factory):
    """The Procfile's web: command (gthread workers) with a one-second highlight budget."""
    data = tmp_path_factory.mktemp("highlight-gunicorn")
    env = site_environment(data, HIGHLIGHT_TIMEOUT="1", WEB_CONCURRENCY="1", WEB_THREADS="4")
    migrate(env)
    port = free_port()
    with running(procfile_command(), env, port, data / "gunicorn.log") as server:
        yield f"http://127.0.0.1:{port}", server.pid


def test_under_gunicorn_a_slow_input_ends_at_the_budget_while_others_are_served(gunicorn_site):
    url, master = gunicorn_site
    base = url + "/highlight"
    # Warm both highlighting processes (started on first use) with concurrent requests.
    warm = [threading.Thread(target=httpx.post, args=(base + "/api/highlight",),
                             kwargs={"json": {"code": f"warm {n}", "lexer": "scala"}, "timeout": 15}) for n in range(4)]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    idle = descendants_running(master, "apps.highlighter.core.worker")
    assert idle, "no highlighting process was started"
    idle_cpu = {pid: cpu_seconds(pid) for pid in idle}
    slow = Running(lambda: httpx.post(base + "/api/highlight", json=SLOW_SCALA_FIELDS, timeout=PATIENCE))
    busy = set_to_work(idle_cpu, "a highlighting process at work on it")
    # Killed at the 1 s budget, it cannot have used more CPU time than that (and SLACK).
    watch = Running(lambda: cpu_until_gone(busy, idle_cpu[busy] + (1 + SLACK) * 1.0, "the process on the slow highlight"))
    served_meanwhile = 0
    with httpx.Client(base_url=base, timeout=PATIENCE) as http:
        while slow.running and served_meanwhile < 50:
            response = http.post("/api/highlight", json={"code": f"x = {served_meanwhile}", "lexer": "python"})
            assert response.status_code == 200
            served_meanwhile += slow.running  # answered before the slow one was
    watch.join(timeout=PATIENCE)
    answer = slow.join(timeout=PATIENCE)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "timeout"
    assert slow.seconds >= 1.0  # the whole budget
    # Never queued behind the slow one (the first quick one would then end with it): several
    # are answered while it runs, even on a loaded machine, where it keeps a CPU busy.
    assert served_meanwhile >= 5, served_meanwhile
    with httpx.Client(base_url=base, timeout=15) as http:  # and the server is still whole
        assert http.post("/api/highlight", json={"code": "val x = 1", "lexer": "scala"}).status_code == 200


def test_under_gunicorn_a_huge_declared_body_is_refused_unread(gunicorn_site):
    url, _ = gunicorn_site
    assert b" 413 " in raw_post_status(url, 10**9, path="/highlight/api/highlight")


def test_under_gunicorn_each_worker_starts_its_highlighting_processes_before_any_request(tmp_path):
    """Their language model is loaded before the first request, not during it."""
    env = site_environment(tmp_path, WEB_CONCURRENCY="1", HIGHLIGHT_WORKERS="2")
    migrate(env)
    port = free_port()
    with running(procfile_command(), env, port, tmp_path / "gunicorn.log") as server:
        # The worker answered /healthz: it is past its start-up, and nothing was highlighted.
        assert len(descendants_running(server.pid, "apps.highlighter.core.worker")) == 2
