"""Debian's ``pastebinit`` posts to the site with the drop-in file shipped in examples/.

pastebinit sends a form to any site a ``pastebin.d`` file describes and prints the paste's
URL. Our API answers JSON, so the drop-in's regexp takes the snippet's path from its ``url``.
Run for real: the Debian program (tests/system-deps.sh installs it), a real gunicorn, a
``~/.pastebin.d`` in a throwaway home.
"""

import configparser
import os
import shutil
import subprocess

import httpx
import pytest

from tests import servers

DROP_IN = servers.ROOT / "examples" / "pastebinit" / "paste.example.org.conf"

pytestmark = pytest.mark.skipif(shutil.which("pastebinit") is None, reason="Debian's pastebinit is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with servers.running_site(tmp_path_factory.mktemp("pastebinit-site")) as url:
        yield url


@pytest.fixture
def pastebinit(site, tmp_path):
    """Run pastebinit with the shipped drop-in, its basename pointed at the running site."""
    host = site.removeprefix("http://")
    config = configparser.RawConfigParser()
    config.read(DROP_IN)
    config.set("pastebin", "basename", host)
    config.remove_option("pastebin", "https")  # the test site is plain http on loopback
    home = tmp_path / "home"
    (home / ".pastebin.d").mkdir(parents=True)
    with open(home / ".pastebin.d" / "composite.conf", "w") as out:
        config.write(out)

    def run(*args, stdin=None):
        env = {**os.environ, "HOME": str(home)}
        return subprocess.run(["pastebinit", "-b", host, *args], input=stdin, capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=60)

    return run


def snippet_json(url):
    snippet_id = url.rstrip("/").rsplit("/", 1)[-1]
    return httpx.get(url.split("/s/")[0] + f"/api/snippets/{snippet_id}").json()


def test_it_prints_the_snippets_url_with_the_language_it_was_given(site, pastebinit, tmp_path):
    (tmp_path / "script.py").write_text("def greet(name):\n    return f'hello {name}'\n")
    done = pastebinit("-f", "python", "-t", "greeting", "script.py")
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    assert url.startswith(f"{site}/s/") and "\n" not in url
    page = httpx.get(url)
    assert page.status_code == 200 and "greet" in page.text
    assert snippet_json(url)["lexer"] == "python"
    assert snippet_json(url)["title"] == "greeting"


def test_without_a_language_the_site_detects_it(pastebinit):
    done = pastebinit(stdin="#!/usr/bin/env ruby\nputs 'hi'\n")
    assert done.returncode == 0, done.stderr
    assert snippet_json(done.stdout.strip())["lexer"] == "ruby"


def test_the_drop_in_is_the_documented_example():
    config = configparser.RawConfigParser()
    config.read(DROP_IN)
    assert config.get("pastebin", "basename") == "paste.example.org"
    assert config.get("pastebin", "post_page") == "api/snippets"
    assert dict(config.items("format")) == {"content": "content", "title": "title", "format": "lexer"}
