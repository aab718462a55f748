"""Moved code in patches: /api/patch and the review page mark it across the patch's files."""

import pytest

from apps.diffviewer.core.patch import parse_patch

#: A function moved from util.py into a class of app.py (re-indented), as git diff writes it.
PATCH = """\
diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -1,2 +1,6 @@
 import util
 x = 1
+
+class Tools:
+    def parse_header(line, separator=":"):
+        return [part.strip() for part in line.split(separator)]
diff --git a/util.py b/util.py
index 3333333..4444444 100644
--- a/util.py
+++ b/util.py
@@ -1,4 +1,2 @@
-def parse_header(line, separator=":"):
-    return [part.strip() for part in line.split(separator)]
 def other():
     return 2
"""


def test_a_patch_marks_a_function_moved_to_another_file():
    patch = parse_patch(PATCH)
    patch.mark_moved()
    app, util = patch.files
    assert [line.moved for line in app.hunks[0].lines if line.moved] == [(1, 1, 1), (1, 1, 2)]
    assert [line.moved for line in util.hunks[0].lines if line.moved] == [(2, 0, 5), (2, 0, 6)]


def test_the_patch_api_says_where_each_moved_line_is(client):
    files = client.post("/diff/api/patch", json={"patch": PATCH}).json["files"]
    moved = [(index, line["kind"], line["moved"]) for index, file in enumerate(files)
             for hunk in file["hunks"] for line in hunk["lines"] if line["moved"]]
    assert moved == [
        (0, "add", {"block": 1, "file": 1, "line": 1}), (0, "add", {"block": 1, "file": 1, "line": 2}),
        (1, "delete", {"block": 2, "file": 0, "line": 5}), (1, "delete", {"block": 2, "file": 0, "line": 6}),
    ]


@pytest.mark.parametrize("view, link", [
    ("unified", '<a class="moved-link from" href="#f2-L1" title="Moved here from line 1 in another file">'),
    ("side-by-side", '<a class="moved-link from" href="#f2-L1" title="Moved here from line 1 in another file">←</a>'),
])
def test_the_review_page_links_moved_lines_to_the_other_file(client, view, link):
    response = client.post("/diff/review", data={"patch": PATCH, "view": view})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert link in page
    assert 'href="#f1-R5"' in page and 'id="f1-R5"' in page and 'id="f2-L1"' in page
    assert "moved" in page.split('id="f2-L1"')[1][:300]  # the removed side is marked too
