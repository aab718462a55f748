"""``composite paste | get | delete | diff`` against a real server (gunicorn on loopback).

The commands are a client of the public HTTP API only: they run as a person runs them (the
installed ``composite`` program), with the server from ``--server`` or ``COMPOSITE_URL``, and
the delete tokens in a token file of their own.
"""

import json
import os
import stat
import subprocess
import sys

import httpx
import pytest

from tests import servers

CRLF_UNICODE = "naïve = 'ünïcode'\r\nprint(naïve)\r\nno newline at the end".encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with servers.running_site(tmp_path_factory.mktemp("cli-site")) as url:
        yield url


@pytest.fixture
def composite(site, tmp_path):
    """Run the ``composite`` command; COMPOSITE_URL is the site, the token file is the test's own."""
    tokens = tmp_path / "tokens.json"

    def run(*args, stdin=b"", server=site):
        env = {**os.environ, "COMPOSITE_TOKENS": str(tokens), "COMPOSITE_URL": server}
        done = subprocess.run([str(servers.BIN / "composite"), *args], input=stdin, capture_output=True,
                              env=env, cwd=tmp_path, timeout=60)
        done.out, done.err = done.stdout.decode(), done.stderr.decode()
        return done

    run.tokens = tokens
    return run


def pasted(composite, *args, stdin=b""):
    """The URL ``composite paste`` printed (and it succeeded)."""
    done = composite("paste", *args, stdin=stdin)
    assert done.returncode == 0, done.err
    return done.out.strip()


def api(url):
    base, snippet_id = url.split("/s/")
    return httpx.get(f"{base}/api/snippets/{snippet_id}").json()


def test_paste_prints_only_the_url_and_keeps_the_token(composite, site, tmp_path):
    (tmp_path / "greet.py").write_bytes(b"def greet():\n    return 'hi'\n")
    done = composite("paste", "greet.py", "--title", "hello")
    assert done.returncode == 0, done.err
    url = done.out.strip()
    assert done.out == url + "\n" and url.startswith(f"{site}/s/")
    token = json.loads(composite.tokens.read_text())[url]
    assert f"delete token: {token}" in done.err
    assert stat.S_IMODE(composite.tokens.stat().st_mode) == 0o600
    assert api(url)["lexer"] == "python" and api(url)["title"] == "hello"


def test_get_writes_the_exact_bytes(composite, tmp_path):
    (tmp_path / "odd.py").write_bytes(CRLF_UNICODE)
    url = pasted(composite, "odd.py")
    by_url = composite("get", url)
    assert by_url.returncode == 0 and by_url.stdout == CRLF_UNICODE
    assert composite("get", url.rsplit("/", 1)[1]).stdout == CRLF_UNICODE  # an id, on COMPOSITE_URL


def test_stdin_with_a_name_picks_the_language(composite):
    url = pasted(composite, "--name", "build.rb", stdin=b"puts 1\n")
    assert api(url)["lexer"] == "ruby"


def test_delete_uses_the_kept_token_then_the_snippet_is_gone(composite):
    url = pasted(composite, stdin=b"short lived\n")
    done = composite("delete", url)
    assert done.returncode == 0, done.err
    assert url not in composite.tokens.read_text()
    gone = composite("get", url)
    assert gone.returncode == 4 and "No such snippet" in gone.err and gone.stdout == b""


def test_delete_without_or_with_a_wrong_token_changes_nothing(composite, site):
    created = httpx.post(f"{site}/api/snippets", data={"content": "not mine\n"}).json()
    no_token = composite("delete", created["url"])
    assert no_token.returncode == 2 and "--token" in no_token.err
    wrong = composite("delete", created["url"], "--token", "wrong")
    assert wrong.returncode == 5 and "refused" in wrong.err
    assert httpx.get(created["raw_url"]).text == "not mine\n"


def test_diff_of_local_files_and_of_snippets_is_the_same_patch(composite, tmp_path):
    (tmp_path / "old.txt").write_text("one\ntwo\nthree\n")
    (tmp_path / "new.txt").write_text("one\n2\nthree\n")
    local = composite("diff", "old.txt", "new.txt")
    assert local.returncode == 0, local.err
    assert "-two\n+2\n" in local.out and local.out.startswith("--- ")
    old_url = pasted(composite, "old.txt")
    new_url = pasted(composite, "new.txt")
    remote = composite("diff", old_url, new_url)
    assert remote.returncode == 0, remote.err
    assert remote.out.split("\n", 2)[2] == local.out.split("\n", 2)[2]  # the same hunks


def test_diff_url_links_the_diff_page_pasting_local_files_first(composite, tmp_path):
    (tmp_path / "a.txt").write_text("alpha\n")
    (tmp_path / "b.txt").write_text("beta\n")
    done = composite("diff", "--url", "a.txt", "b.txt")
    assert done.returncode == 0, done.err
    link = done.out.strip()
    assert "/diff/compare?left=" in link and done.err.count("pasted ") == 2
    page = httpx.get(link)
    assert page.status_code == 200 and "alpha" in page.text and "beta" in page.text


def test_an_unreachable_server_is_one_line_and_exit_3(composite):
    done = composite("get", "abc", server=f"http://127.0.0.1:{servers.free_port()}")
    assert done.returncode == 3 and "Cannot reach" in done.err
    assert "Traceback" not in done.err and done.err.count("\n") == 1


def test_not_a_snippet_reference_is_a_usage_error(composite):
    done = composite("get", "ftp://example.org/nothing")
    assert done.returncode == 2 and "neither a snippet id nor" in done.err


def test_every_command_has_help(composite):
    for command in ("paste", "get", "delete", "diff"):
        done = composite(command, "--help")
        assert done.returncode == 0 and "exit codes:" in done.out and "--server" in done.out


def test_the_client_loads_nothing_of_the_site():
    probe = ("import sys; from composite import cli; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'flask', 'werkzeug', 'genshi')"
             " or m.startswith(('apps.snippets', 'apps.highlighter', 'apps.diffviewer', 'composite.site'))))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=servers.ROOT, check=True).stdout.strip() == "[]"


@pytest.fixture(scope="module")
def strict_site(tmp_path_factory):
    """A site with a small size limit and two writes an hour per client (one process counts them)."""
    with servers.running_site(tmp_path_factory.mktemp("cli-strict"), SNIPPET_MAX_BYTES="1024",
                              RATELIMIT_ENABLED="true", RATELIMIT_WRITES="2/hour", WEB_CONCURRENCY="1") as url:
        yield url


def test_too_large_and_too_many_requests_say_so(composite, strict_site):
    too_large = composite("paste", stdin=b"x" * 4096, server=strict_site)
    assert too_large.returncode == 6 and "Too large" in too_large.err
    assert composite("paste", stdin=b"fits\n", server=strict_site).returncode == 0  # the second write
    limited = composite("paste", stdin=b"one too many\n", server=strict_site)
    assert limited.returncode == 7 and "Too many requests; try again in" in limited.err


def test_several_files_are_one_snippet_and_get_names_a_file_and_a_revision(composite, tmp_path):
    (tmp_path / "app.py").write_bytes(b"print('app')\n")
    (tmp_path / "README.md").write_bytes(b"# App\r\n")
    url = pasted(composite, "app.py", "README.md")
    assert [f["filename"] for f in api(url)["files"]] == ["app.py", "README.md"]
    assert composite("get", url, "--file", "README.md").stdout == b"# App\r\n"
    several = composite("get", url)
    assert several.returncode == 2 and "--file" in several.err and "app.py, README.md" in several.err

    (tmp_path / "app.py").write_bytes(b"print('app, version 2')\n")
    edited = composite("edit", url, "app.py")  # README.md left out: removed in revision 2
    assert edited.returncode == 0, edited.err
    assert edited.out.strip().endswith("/2")
    assert [f["filename"] for f in api(url)["files"]] == ["app.py"]
    assert composite("get", url).stdout == b"print('app, version 2')\n"
    assert composite("get", url, "--revision", "1", "--file", "app.py").stdout == b"print('app')\n"
    assert composite("get", url, "-r", "1", "-f", "README.md").stdout == b"# App\r\n"


def test_an_edit_that_changes_nothing_makes_no_revision(composite, tmp_path):
    (tmp_path / "same.py").write_bytes(b"x = 1\n")
    url = pasted(composite, "same.py")
    again = composite("edit", url, "same.py")
    assert again.returncode == 0 and again.out == ""
    assert "nothing changed" in again.err and "revision 1" in again.err
    assert len(api(url)["revisions"]) == 1


def test_edit_without_the_token_or_with_a_wrong_one_changes_nothing(composite, site, tmp_path):
    created = httpx.post(f"{site}/api/snippets", data={"content": "theirs\n"}).json()
    (tmp_path / "mine.py").write_bytes(b"mine\n")
    assert composite("edit", created["url"], "mine.py").returncode == 2
    wrong = composite("edit", created["url"], "mine.py", "--token", "wrong")
    assert wrong.returncode == 5
    assert httpx.get(created["raw_url"]).text == "theirs\n"


def test_stdin_without_a_name_is_an_unnamed_file(composite):
    url = pasted(composite, stdin=b"just text\n")
    assert api(url)["files"][0]["filename"] == ""
    assert composite("get", url).stdout == b"just text\n"


def test_get_reads_a_burn_after_reading_snippet_once_and_diff_does_not_burn_it(composite, tmp_path):
    """Its raw URL answers a GET with 409 (no GET burns, issue 15): ``get`` is a person reading it,
    and POSTs there; ``diff`` is not, and is refused, leaving it unread."""
    url = pasted(composite, "--burn", stdin=b"the secret\n")
    (tmp_path / "mine.txt").write_text("mine\n")
    refused = composite("diff", url, "mine.txt")
    assert refused.returncode == 5 and "burn-after-reading" in refused.err and "the secret" not in refused.out
    read = composite("get", url)
    assert read.returncode == 0 and read.stdout == b"the secret\n"
    assert "its one reading, and it is now deleted" in read.err
    again = composite("get", url)
    assert again.returncode == 4 and again.stdout == b""


@pytest.mark.parametrize(("status", "command"), [(500, "paste"), (200, "paste"), (409, "get")])
def test_a_server_that_answers_without_end_is_read_only_so_far(status, command):
    """Whatever a server sends (an endless error page, an endless 'snippet created', an endless
    409 to a burn read), the client reads a bounded start of it and ends with a clear error."""
    from composite import client

    pulled = []

    def endless():
        while sum(pulled) < 256 * 1024 * 1024:
            pulled.append(1024 * 1024)
            yield b"x" * (1024 * 1024)

    def server(request):
        return httpx.Response(status, content=endless(), headers={"Content-Type": "application/json"})

    with client.Client("http://hostile.test", transport=httpx.MockTransport(server)) as http:
        with pytest.raises(client.Failed) as failed:
            if command == "paste":
                http.paste([("a.py", b"x = 1\n")])
            else:
                http.raw(client.reference("http://hostile.test/s/abc", None), burn=True)
    assert sum(pulled) <= client.MAX_DOWNLOAD + 2 * 1024 * 1024
    if status != 200:
        assert sum(pulled) <= 2 * 1024 * 1024  # an error page: only its first MAX_ERROR bytes
        assert failed.value.exit_code in (client.SERVER_ERROR, client.REFUSED)
    else:
        assert "larger than" in failed.value.message


@pytest.mark.parametrize(("command", "body"), [
    *((command, body) for command in ("paste", "edit") for body in (b'{"id": "abc", "url": [1, 2', b"[1, 2, 3]",
                                                                      b"\xff\xfe", b"")),
    ("paste", b'{"id": 7}'),
])
def test_a_server_that_answers_no_json_object_is_a_clear_error(command, body):
    """A 201 whose body is not the API's JSON (cut short, a list, a field missing or of another
    type, not UTF-8) ends in Failed with the server error's exit code, not a traceback."""
    from composite import client

    def server(request):
        return httpx.Response(201, content=body, headers={"Content-Type": "application/json"})

    with client.Client("http://hostile.test", transport=httpx.MockTransport(server)) as http:
        with pytest.raises(client.Failed) as failed:
            if command == "paste":
                http.paste([("a.py", b"x = 1\n")])
            else:
                http.edit(client.reference("http://hostile.test/s/abc", None), "token", [("a.py", b"x = 2\n")])
    assert failed.value.exit_code == client.SERVER_ERROR
    assert "not the JSON" in failed.value.message


@pytest.mark.parametrize("trickled", ["body", "headers"])
def test_a_server_that_answers_a_byte_at_a_time_is_given_up_on(trickled, monkeypatch):
    """A byte every 0.1 s never lets the per-read timeout expire: the exchange's own deadline
    (``EXCHANGE_SECONDS``) ends it with a clear error, whether the body or the headers trickle."""
    import socket
    import threading
    import time

    from composite import client

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 201 Created\r\n" + (b"Content-Length: 100000\r\n\r\n" if trickled == "body" else b""))
            while not stop.is_set():
                try:
                    conn.sendall(b" " if trickled == "body" else b"X: y\r\n")
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setattr(client, "EXCHANGE_SECONDS", 1.0)
    started = time.monotonic()
    try:
        with client.Client(f"http://127.0.0.1:{listener.getsockname()[1]}") as http:
            with pytest.raises(client.Failed) as failed:
                http.paste([("a.py", b"x = 1\n")])
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 5
    assert failed.value.exit_code == client.UNREACHABLE and "did not finish answering in 1 s" in failed.value.message
