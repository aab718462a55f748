"""A PaaS build, as Heroku's Python buildpack (and Dokku) does it, then the Procfile.

The buildpack copies the repository, installs ``requirements.txt`` into a fresh Python
(no ``-e .``, no test extras), runs ``python manage.py collectstatic --noinput`` with only
the app's config vars set, and at release and start runs the Procfile's ``release:`` and
``web:``. This test does each step in that order, in a fresh virtualenv and a copy of the
repository, and then asks the site for a page, a snippet and every app's static files.
"""

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import httpx
import psycopg
import pytest

from tests import servers

pytestmark = pytest.mark.server

POSTGRES = "postgres://postgres@127.0.0.1:5432/{name}"
NOT_SHIPPED = shutil.ignore_patterns(".git", ".venv", "staticfiles", "data", "__pycache__", ".pytest_cache",
                                     ".hypothesis", "test-artifacts", "*.egg-info")


def run(argv, cwd, env, timeout=600):
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, argv))} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def database():
    name = f"build_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES.format(name="postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield POSTGRES.format(name=name)
    with psycopg.connect(POSTGRES.format(name="postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def built(tmp_path_factory, database):
    """The slug: the repository's files, a fresh Python with the lock file installed, static collected."""
    place = tmp_path_factory.mktemp("buildpack")
    slug = place / "app"
    shutil.copytree(servers.ROOT, slug, ignore=NOT_SHIPPED)
    python = place / "python"
    started = time.monotonic()
    run([sys.executable, "-m", "venv", str(python)], slug, dict(os.environ))
    run([python / "bin" / "python", "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], slug,
        dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"))
    install_seconds = time.monotonic() - started
    config_vars = {  # what an operator sets (app.json), and nothing of ours
        "PATH": f"{python / 'bin'}{os.pathsep}/usr/bin:/bin",
        "HOME": str(place),
        "SECRET_KEY": "buildpack-test-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database,
    }
    run(["python", "manage.py", "collectstatic", "--noinput"], slug, config_vars)
    print(f"\nbuild: fresh venv and pip install -r requirements.txt in {install_seconds:.1f} s")
    return slug, config_vars


def test_the_build_installs_from_the_lock_file_alone_and_collects_every_apps_static_files(built):
    slug, _ = built
    collected = slug / "staticfiles"
    assert (collected / "snippets" / "staticfiles.json").is_file()  # Django's manifest (hashed names)
    assert (collected / "highlight" / "highlighter.css").is_file()
    assert (collected / "diff" / "diffviewer.css.gz").is_file()
    assert (collected / "_site" / "site.css").is_file()


def test_release_then_web_serve_the_site_on_port(built, tmp_path):
    slug, config_vars = built
    run(shlex.split(servers.procfile_command("release")), slug, config_vars)
    port = servers.free_port()
    env = dict(config_vars, HOST="127.0.0.1")  # tests listen on loopback only
    with servers.running(servers.procfile_command("web"), env, port, tmp_path / "web.log", cwd=slug):
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as http:
            assert http.get("/healthz").json()["status"] == "ok"
            created = http.post("/api/snippets", data={"content": "print('built')\n"})
            assert created.status_code == 201, created.text
            page = http.get(created.json()["url"])
            assert page.status_code == 200 and "built" in page.text
            for path in ("/_site/site.css", "/highlight/static/highlighter.css", "/diff/static/diffviewer.css"):
                assert http.get(path).status_code == 200, path
            stylesheet = next(part.split('"')[0] for part in page.text.split('href="')[1:] if part.startswith("/static/"))
            assert http.get(stylesheet).status_code == 200
