"""The form and the diff page, through the composite at /diff and standalone."""

import html
import re

import pytest
from werkzeug.test import Client

NUMBERED = "".join(f"line {i}\n" for i in range(1, 101))


def post(client, prefix="/diff", **fields):
    return client.post(f"{prefix}/", data=fields)


def page_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    return response.get_data(as_text=True)


def changed(text, number, new):
    return text.replace(f"line {number}\n", f"{new}\n")


def test_the_form_offers_texts_files_names_and_every_option(client):
    page = page_of(client.get("/diff/"))
    for name in ["left", "right", "left_file", "right_file", "left_name", "right_name", "view",
                 "context", "whitespace", "ignore_blank_lines", "word_diff", "moved", "lexer"]:
        assert f'name="{name}"' in page, name
    assert 'enctype="multipart/form-data"' in page
    assert '<option value="all">Whole file</option>' in page


def menu_options(page, name="lexer"):
    """``[(value, label, selected)]`` of the ``<select name=…>`` on the page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(html.unescape(value), html.unescape(label), bool(selected)) for value, selected, label
            in re.findall(r'<option value="([^"]*)"( selected(?:="selected")?)?[^>]*>([^<]*)</option>', select)]


@pytest.mark.django_db
def test_the_language_is_a_menu_of_the_lexers_the_paste_form_offers(client):
    options = menu_options(page_of(client.get("/diff/")))
    assert options[:2] == [("", "Auto-detect (from the file names)", True), ("text", "Plain text", False)]
    assert ("python", "Python", False) in options
    paste_form = client.get("/").get_data(as_text=True)
    paste_menu = re.search(r'<select name="lexer"[^>]*>(.*?)</select>', paste_form, re.S).group(1)
    offered = [(html.unescape(value), html.unescape(label))
               for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', paste_menu)]
    assert [(value, label) for value, label, _ in options[2:]] == offered[2:]  # after auto and plain text


def test_the_chosen_language_stays_chosen_on_the_diff_page(client):
    page = page_of(post(client, left="a\n", right="b\n", lexer="python"))
    assert [value for value, _, selected in menu_options(page) if selected] == ["python"]
    other = page_of(post(client, left="a\n", right="b\n", lexer="Python 3"))  # a name, not in the menu's aliases
    assert ("Python 3", "Python 3", True) in menu_options(other)


def test_without_a_highlighter_the_language_is_a_text_field(make_app, monkeypatch):
    monkeypatch.delenv("HIGHLIGHTER_URL", raising=False)
    page = page_of(Client(make_app()).get("/"))
    assert '<select name="lexer"' not in page
    assert '<input type="text" name="lexer" value="" maxlength="100" placeholder="guessed from file names"' in page


def test_line_numbers_on_both_sides_are_linkable_anchors(client):
    page = page_of(post(client, left=NUMBERED, right=changed(NUMBERED, 50, "fifty")))
    assert '<td class="num" id="L50"><a href="#L50">50</a></td><td class="num"></td>' in page
    assert '<td class="num"></td><td class="num" id="R50"><a href="#R50">50</a></td>' in page
    assert 'id="L49"' in page and 'id="R49"' in page


def test_code_cells_hold_exactly_the_line_text(client):
    """No template indentation leaks into white-space: pre cells."""
    page = page_of(post(client, left="  indented\nb\n", right="  indented\nc\n"))
    cells = re.findall(r'<td class="code">(.*?)</td>', page)
    assert cells == ["  indented", "<del>b</del>", "<ins>c</ins>"]


MOVED = "def render(page):\n    return '<script>alert(1)</script>' + page\n"
STAY = "x = 1\ny = 2\nz = 3\n"


def test_moved_lines_look_different_and_link_to_each_other_in_the_unified_view(client):
    """A function moved below another line: each side links to the other's line anchor."""
    page = page_of(post(client, left=MOVED + STAY, right=STAY + MOVED))
    assert ('<tr class="delete moved"><td class="num" id="L1"><a href="#L1">1</a></td><td class="num moved-to">'
            '<a class="moved-link to" href="#R4" title="Moved to line 4">→\u20094</a></td>') in page
    assert ('<tr class="add moved alt"><td class="num moved-to"><a class="moved-link from" href="#L2" '
            'title="Moved here from line 2">2\u2009→</a></td><td class="num" id="R5"><a href="#R5">5</a></td>') in page
    assert 'id="R4"' in page and 'id="L2"' in page  # the targets exist
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_moved_lines_link_to_each_other_side_by_side(client):
    page = page_of(post(client, left=MOVED + STAY, right=STAY + MOVED, view="side-by-side"))
    assert ('<td class="num" id="L1"><a class="moved-link to" href="#R4" title="Moved to line 4">→</a>'
            '<a href="#L1">1</a></td><td class="code delete moved">') in page
    assert ('<td class="num" id="R5"><a class="moved-link from" href="#L2" title="Moved here from line 2">←</a>'
            '<a href="#R5">5</a></td><td class="code add moved alt">') in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_moved_code_can_be_turned_off(client):
    page = page_of(post(client, left=MOVED + STAY, right=STAY + MOVED, moved="off"))
    assert "moved-link" not in page and 'class="delete"' in page
    assert '<option value="off" selected>Off</option>' in page.split('name="moved"')[1][:200]


def test_the_side_by_side_view_pairs_old_and_new_lines(client):
    page = page_of(post(client, left="a\nold\nz\n", right="a\nnew\nextra\nz\n", view="side-by-side"))
    assert 'class="diff side-by-side"' in page
    assert ('<tr class="change"><td class="num" id="L2"><a href="#L2">2</a></td><td class="code delete"><del>old</del></td>'
            '<td class="num" id="R2"><a href="#R2">2</a></td><td class="code add"><ins>new</ins></td></tr>') in page
    assert ('<tr class="change"><td class="num empty"></td><td class="code empty"></td>'
            '<td class="num" id="R3"><a href="#R3">3</a></td><td class="code add"><ins>extra</ins></td></tr>') in page


def test_the_stats_header_counts_added_deleted_and_hunks(client):
    page = page_of(post(client, left=NUMBERED, right=changed(changed(NUMBERED, 10, "x"), 90, "y") + "more\n"))
    assert '<span class="added">+3</span> <span class="deleted">−2</span>' in page
    assert "in 3 hunks" in page


def test_long_unchanged_runs_are_collapsed_but_in_the_page_and_expandable(client):
    page = page_of(post(client, left=NUMBERED, right=changed(NUMBERED, 50, "fifty")))
    # 3 lines of context around line 50; lines 1-46 and 54-100 wait behind buttons.
    assert '<button type="button" class="expand" data-target="gap-1" aria-expanded="false">Show 46 unchanged lines</button>' in page
    assert '<tbody class="collapsed" id="gap-1" hidden="hidden">' in page
    assert "Show 47 unchanged lines" in page
    assert 'id="L1"' in page and 'id="L100"' in page, "collapsed lines are there to expand and link to"
    assert re.search(r'<script src="/diff/static/diffviewer.js">', page)


def test_context_can_be_chosen_or_the_whole_file(client):
    right = changed(NUMBERED, 50, "fifty")
    assert "Show 40 unchanged lines" in page_of(post(client, left=NUMBERED, right=right, context="10"))
    whole = page_of(post(client, left=NUMBERED, right=right, context="all"))
    assert "expand" not in whole and 'hidden="hidden"' not in whole
    assert 'id="L1"' in whole and 'id="R100"' in whole


def test_counts_of_one_are_singular_in_the_form_and_the_folds(client):
    right = changed(changed(NUMBERED, 10, "ten"), 18, "eighteen")  # line 14 alone between two hunks
    page = page_of(post(client, left=NUMBERED, right=right, context="3"))
    assert ">Show 1 unchanged line</button>" in page and "1 unchanged lines" not in page
    form = page_of(client.get("/diff/"))
    assert '<option value="1">1 line</option>' in form and "1 lines" not in form


def test_word_marks_can_be_turned_off(client):
    page = page_of(post(client, left="old word\n", right="new word\n", word_diff="off"))
    assert "<del>" not in page and "<ins>" not in page
    assert '<td class="code">old word</td>' in page


@pytest.mark.parametrize(
    "fields, identical_message",
    [
        ({"whitespace": "all"}, "No differences under the chosen options."),
        ({"whitespace": "amount"}, "No differences under the chosen options."),
    ],
)
def test_whitespace_options_are_applied(client, fields, identical_message):
    page = page_of(post(client, left="a  b\n", right="a b\n", **fields))
    assert identical_message in page


def test_ignore_blank_lines_is_applied(client):
    page = page_of(post(client, left="a\nb\n", right="a\n\nb\n", ignore_blank_lines="on"))
    assert "No differences under the chosen options." in page


def test_identical_texts_say_so(client):
    assert "The two texts are identical." in page_of(post(client, left="same\n", right="same\n"))


def test_binary_input_is_a_clear_400_naming_the_side(client):
    """NUL is not text (``apps.textinput``), in the form as in the API."""
    response = post(client, left="a\0b", right="a\0c")
    assert response.status_code == 400
    assert "Field 'left' contains a NUL byte (at character 1)" in response.get_data(as_text=True)


def test_the_text_boxes_line_breaks_are_the_texts_not_the_browsers(client):
    """A browser sends a text box's lines with CRLF; pasted text compares equal to its LF file."""
    response = client.post("/diff/", data={
        "left": "one\r\ntwo\r\n", "right_file": (__import__("io").BytesIO(b"one\ntwo\n"), "two.txt"),
    }, content_type="multipart/form-data")
    assert "The two texts are identical." in page_of(response)


def test_an_uploads_byte_order_mark_is_not_part_of_its_text(client):
    response = client.post("/diff/", data={
        "left": "same\n", "right_file": (__import__("io").BytesIO(b"\xef\xbb\xbfsame\n"), "notepad.txt"),
    }, content_type="multipart/form-data")
    assert "The two texts are identical." in page_of(response)


def test_uploaded_files_win_over_the_text_boxes_and_name_the_sides(client):
    response = client.post("/diff/", data={
        "left": "ignored\n",
        "left_file": (__import__("io").BytesIO("héllo\nworld\n".encode()), "dir/old.txt"),
        "right_file": (__import__("io").BytesIO("héllo\nthere\n".encode()), "some/dir/new.txt"),
    }, content_type="multipart/form-data")
    page = page_of(response)
    assert "<del>world</del>" in page and "<ins>there</ins>" in page
    assert "old.txt → new.txt" in page
    assert "ignored" not in page.split("<details")[0]


def test_an_upload_that_is_not_utf8_is_a_clear_400(client):
    response = client.post("/diff/", data={
        "left_file": (__import__("io").BytesIO(b"caf\xe9\n"), "latin1.txt"), "right": "x\n",
    }, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The file sent as 'left_file' is not valid UTF-8 text" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"context": "-1"}, "context must be a whole number"),
        ({"context": "lots"}, "context must be a whole number"),
        ({"whitespace": "some"}, "whitespace must be one of"),
        ({"view": "3d"}, "view must be unified or side-by-side"),
        ({"word_diff": "maybe"}, "word_diff must be true or false"),
        ({"left_name": "a\nb"}, "without line breaks"),
    ],
)
def test_bad_options_are_a_clear_400_page(client, fields, message):
    response = post(client, left="a\n", right="b\n", **fields)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)


def test_the_page_offers_the_patch_and_the_other_view_through_the_same_inputs(client):
    page = page_of(post(client, left="a\n", right="b\n", left_name="x.txt", right_name="x.txt"))
    assert '<form id="inputs" method="post" action="/diff/"' in page
    assert '<button class="download as-link" form="inputs" type="submit" formaction="/diff/api/diff.patch">Download .patch</button>' in page
    assert '<button class="as-link" form="inputs" type="submit" name="view" value="side-by-side">Side by side</button>' in page
    assert '<textarea name="left" rows="16" spellcheck="false" aria-label="Left (old) text">a\n</textarea>' in page


def test_the_other_methods_are_405_with_allow(client):
    response = client.put("/diff/", data={})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert response.mimetype == "text/html"


def test_an_unknown_page_is_a_404_page(client):
    response = client.get("/diff/nope")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_pages_carry_the_sites_content_security_policy(client):
    """The one CSP of the site: own scripts only (none inline), and no framing."""
    from apps import sitewide

    for response in (client.get("/diff/"), client.post("/diff/", data={"left": "a\n", "right": "b\n"}),
                     client.get("/diff/compare?left=x")):
        policy = response.headers["Content-Security-Policy"]
        assert policy == sitewide.content_security_policy(form_targets=sitewide.form_origins())
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy


def test_pages_use_no_inline_script(client):
    """Inline scripts would be blocked by the CSP: every script is a file of the site's own."""
    import re

    page = client.post("/diff/", data={"left": "a\nb\n" * 50, "right": "a\nc\n" * 50, "context": "1"}).get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)
    assert scripts and all(not body.strip() for body in scripts)
    assert "<script src=" in page and not re.search(r"\son[a-z]+=", page)


# ---- limits and streaming ----

def test_a_side_over_the_byte_limit_is_413(make_app):
    client = Client(make_app(DIFF_MAX_BYTES=1000))
    response = client.post("/", data={"left": "x" * 1001, "right": "y"})
    assert response.status_code == 413
    assert "The left text is 1,001 bytes; the limit is 1,000 bytes per side." in response.get_data(as_text=True)


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(make_app):
    client = Client(make_app(DIFF_MAX_BYTES=1000))
    response = client.post("/", data={"left": "x" * 100_000, "right": "y"})
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_a_long_diff_is_cut_at_the_render_cap_with_a_clear_message(make_app):
    client = Client(make_app(DIFF_MAX_RENDER_LINES=50))
    left = "".join(f"{i}\n" for i in range(200))
    right = "".join(f"{i}!\n" for i in range(200))
    page = page_of(client.post("/", data={"left": left, "right": right}))
    assert "This diff is too large to show fully: the first" in page
    assert "50 of 400 lines are shown. Download the patch to see it all." in page
    assert page.count('<tr class="delete">') + page.count('<tr class="add">') == 50
    assert "Download .patch" in page


def test_when_the_whole_file_does_not_fit_gaps_are_counted_not_embedded(make_app):
    client = Client(make_app(DIFF_MAX_RENDER_LINES=60))
    page = page_of(client.post("/", data={"left": NUMBERED, "right": changed(NUMBERED, 50, "fifty")}))
    assert '<span class="skipped">46 unchanged lines</span><span class="header">@@ -47,7 +47,7 @@ line 46</span>' in page
    assert '<span class="skipped">47 unchanged lines</span>' in page
    assert 'id="L1"' not in page and "too large" not in page


def test_the_page_streams_before_it_is_built(make_app):
    """The first chunk leaves before the rows are all rendered."""
    app = make_app()
    left = "".join(f"row {i}\n" for i in range(5000))
    right = "".join(f"row {i}{'!' if i % 3 == 0 else ''}\n" for i in range(5000))
    response = Client(app).post("/", data={"left": left, "right": right}, buffered=False)
    assert response.status_code == 200
    assert "Content-Length" not in response.headers
    chunks = iter(response.response)
    first = next(chunks).decode()
    assert first.startswith("<!DOCTYPE html>") and "</html>" not in first
    rest = b"".join(chunks).decode()
    assert rest.rstrip().endswith("</html>")
    response.close()


# ---- standalone ----

def test_standalone_builds_urls_from_its_own_root(standalone):
    page = page_of(standalone.get("/"))
    assert 'action="/"' in page
    assert 'href="/static/diffviewer.css"' in page and 'src="/static/diffviewer.js"' in page


def test_standalone_under_a_script_name_builds_urls_under_it(standalone):
    page = page_of(standalone.post("/", data={"left": "a\n", "right": "b\n"}, environ_overrides={"SCRIPT_NAME": "/x/y"}))
    assert 'action="/x/y/"' in page and 'formaction="/x/y/api/diff.patch"' in page
    assert 'href="/x/y/static/diffviewer.css"' in page


def test_the_health_check_answers(standalone):
    assert standalone.get("/_health").json == {"status": "ok"}


# ---- text that is not UTF-8, and unexpected failures ----

@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_text_box_that_is_not_utf8_is_a_clear_400_page(client, content_type):
    """Not diffed with U+FFFD in its place: the page says which field is wrong."""
    if content_type.startswith("multipart"):
        body = (b'--b\r\nContent-Disposition: form-data; name="left"\r\n\r\ncaf\xe9 \xff\xfe\n\r\n'
                b'--b\r\nContent-Disposition: form-data; name="right"\r\n\r\nx\n\r\n--b--\r\n')
        content_type += "; boundary=b"
    else:
        body = b"left=caf%E9+%FF%FE%0A&right=x%0A"
    response = client.post("/diff/", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Field 'left' is not valid UTF-8 text (byte 0xe9 at offset 3)" in response.get_data(as_text=True)


def test_a_failure_before_the_page_starts_is_a_500_page_and_logged(make_app, monkeypatch, caplog):
    from apps.diffviewer import rows

    def broken(*args):
        raise RuntimeError("secret internals")
        yield

    monkeypatch.setattr(rows, "unified_rows", broken)
    response = Client(make_app()).post("/", data={"left": "a\n", "right": "b\n"})
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "secret" not in page and "Traceback (most recent" not in page
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


def test_when_even_the_error_answer_fails_a_plain_500_is_sent(make_app, monkeypatch, caplog):
    from apps.diffviewer import app as app_module

    app = make_app()

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.templates, "response", broken)
    monkeypatch.setattr(app_module, "json_error", broken)
    for path, mimetype in (("/", "text/html"), ("/api/nothing", "application/json")):
        response = Client(app).get(path)
        assert response.status_code == 500
        assert response.mimetype == mimetype
        assert "secret" not in response.get_data(as_text=True)
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)
