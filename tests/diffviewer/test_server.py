"""The diff viewer under a real gunicorn (the Procfile's web: command), not only in-process.

pygit2 reads its input buffers lazily; temporaries freed early gave corrupted patches only
under a real server. Many requests with unicode texts must each come back intact.
"""

import pytest

from apps.diffviewer.core import DiffOptions, unified_diff
from tests.servers import free_port, migrate, procfile_command, running, site_environment

pytestmark = pytest.mark.server


def pairs(count):
    for n in range(count):
        left = "".join(f"ligne {i} — café ☕ {n}\n" for i in range(60))
        right = left.replace(f"ligne {n % 60} ", f"línea {n % 60} 🚀 ").replace("ligne 7 ", "ліній 7 ") + "終わり"
        yield left, right


def test_patches_come_back_intact_from_gunicorn_under_load(tmp_path):
    env = site_environment(tmp_path)
    migrate(env)
    port = free_port()
    with running(procfile_command(), env, port, tmp_path / "gunicorn.log"):
        import httpx

        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for left, right in pairs(120):
                response = http.post("/diff/api/diff.patch", json={"left": left, "right": right, "left_name": "a/ü.txt", "right_name": "b/ü.txt"})
                assert response.status_code == 200
                assert response.content.decode("utf-8") == unified_diff(left, right, DiffOptions(), "a/ü.txt", "b/ü.txt")
            page = http.post("/diff/", data={"left": "α\n", "right": "β\n"})
            assert page.status_code == 200 and "<del>α</del>" in page.text
