"""Markdown files rendered (apps/snippets/markdown.py): what renders, what never survives,
and what is too costly to render."""

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.snippets import markdown
from apps.snippets.markdown import TooCostly, render

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "ul", "ol", "li",
    "pre", "code", "em", "strong", "del", "s", "table", "thead", "tbody", "tr", "th", "td",
    "a", "img",
}
ALLOWED_ATTRIBUTES = {
    "href", "title", "rel", "src", "alt", "class", "start", "id", "align", "loading", "referrerpolicy",
}


class Elements(HTMLParser):
    """Every start tag of a fragment, as a browser's tokenizer sees it: ``(tag, attrs)``."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html, tag=None):
    return [(t, a) for t, a in Elements(html).found if tag is None or t == tag]


def browser_scheme(url):
    """The scheme a browser reads (WHATWG URL: leading C0 controls and spaces stripped, tabs
    and newlines removed), or None for a relative URL."""
    url = re.sub(r"[\t\n\r]", "", url.lstrip("".join(map(chr, range(33)))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return match.group(1).lower() if match else None


def assert_safe(html):
    """Nothing but the allow-list: no script, no handler, no style, no foreign URL, no
    name, ids only with the page's prefix."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        assert set(attrs) <= ALLOWED_ATTRIBUTES, (tag, attrs)
        if "href" in attrs:
            assert browser_scheme(attrs["href"]) in {"http", "https", "mailto", None}, attrs["href"]
            assert attrs["rel"] == "nofollow noopener"
        if "src" in attrs:
            assert browser_scheme(attrs["src"]) in {"http", "https"}, attrs["src"]
        if "id" in attrs:
            assert attrs["id"].startswith("md-"), attrs["id"]


# What renders


def test_headings_get_ids_with_the_prefix_and_repeats_are_numbered():
    html = render("# Install *it*\n\n## Install it\n\n### Ünïcode & more!\n")
    assert elements(html, "h1") == [("h1", {"id": "md-install-it"})]
    assert elements(html, "h2") == [("h2", {"id": "md-install-it-1"})]
    assert elements(html, "h3") == [("h3", {"id": "md-ünïcode--more"})]


def test_fragment_links_follow_the_prefix_a_page_gives_each_file():
    html = render("# Usage\n\nSee [usage](#usage).\n", anchor_prefix="md-2-")
    assert ("h1", {"id": "md-2-usage"}) in elements(html)
    assert elements(html, "a")[0][1]["href"] == "#md-2-usage"


def test_code_fences_keep_their_language_as_a_class():
    html = render("```python\nprint('<b>')\n```\n")
    assert html == "<pre><code class=\"language-python\">print('&lt;b&gt;')\n</code></pre>\n"


def test_a_fence_info_string_that_is_not_a_language_gives_no_class():
    html = render('```x" onmouseover="alert(1)\ny\n```\n')
    assert elements(html, "code") == [("code", {})]


def test_tables_with_alignment_as_an_attribute_not_a_style():
    html = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")
    assert [attrs for _, attrs in elements(html, "th")] == [{"align": "left"}, {"align": "center"}, {"align": "right"}]
    assert len(elements(html, "td")) == 3


def test_emphasis_strong_strikethrough_lists_quotes_rules():
    html = render("*a* **b** ~~c~~\n\n3. x\n4. y\n\n- z\n\n> q\n\n---\n")
    tags = [tag for tag, _ in elements(html)]
    assert tags == ["p", "em", "strong", "s", "ol", "li", "li", "ul", "li", "blockquote", "p", "hr"]
    assert elements(html, "ol") == [("ol", {"start": "3"})]


def test_links_get_nofollow_noopener_and_no_target():
    html = render('[x](https://example.com "T") [y](docs/a.md) [z](mailto:a@example.com) <https://e.org>')
    links = [attrs for _, attrs in elements(html, "a")]
    assert links == [
        {"href": "https://example.com", "title": "T", "rel": "nofollow noopener"},
        {"href": "docs/a.md", "rel": "nofollow noopener"},
        {"href": "mailto:a@example.com", "rel": "nofollow noopener"},
        {"href": "https://e.org", "rel": "nofollow noopener"},
    ]


def test_images_from_http_and_https_only_others_show_their_alt_text():
    html = render('![a](https://example.com/a.png "t") ![b](http://example.com/b.gif) ![c](c.png) ![d](//x.org/d.png)')
    quiet = {"loading": "lazy", "referrerpolicy": "no-referrer"}
    assert elements(html, "img") == [
        ("img", {"src": "https://example.com/a.png", "alt": "a", "title": "t", **quiet}),
        ("img", {"src": "http://example.com/b.gif", "alt": "b", **quiet}),
    ]
    assert " c " in html and html.rstrip().endswith("d</p>")


def test_raw_html_is_shown_as_text():
    assert render("<b>bold</b>\n") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


# What never survives

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=q></form>",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<details open ontoggle=alert(1)>",
    "[x]( javascript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<java\x00script:alert(1)>)",
    "[x](\x01javascript:alert(1))",
    "[x](<\x0ejavascript:alert(1)>)",
    "[x]: javascript:alert(1)\n\n[x]",
    '<a name="getElementById">x</a>',
    '<img name="cookie" src="https://example.com/a.png">',
    '<a id="defaultView">x</a>',
    '<p style="position:fixed;top:0">x</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<base href=https://evil.example/>",
    "<meta http-equiv=refresh content=0;url=https://evil.example>",
    "<object data=x></object><embed src=x>",
    "<!-- <img src=x onerror=alert(1)> -->",
    "`<script>` and <scr<script>ipt>alert(1)</script>",
    '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
    '```"><script>alert(1)</script>\ncode\n```',
    '![x" onerror="alert(1)](https://example.com/a.png)',
    "# <img src=x onerror=alert(1)>",
    "| <script>alert(1)</script> |\n|---|\n| [x](javascript:alert(1)) |",
]


@pytest.mark.parametrize("text", XSS)
def test_xss_never_survives(text):
    html = render(text)
    assert_safe(html)
    assert "<script" not in html.lower() and "<svg" not in html.lower()


def test_javascript_link_text_is_shown_not_linked():
    assert render("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>\n"


def test_a_heading_cannot_take_the_name_of_a_page_element():
    """Ids always carry the prefix, even when the text is a page id or a DOM property."""
    html = render("# body\n\n# cookie\n\n# md-\n")
    assert [attrs["id"] for _, attrs in elements(html, "h1")] == ["md-body", "md-cookie", "md-md-"]


FRAGMENTS = st.sampled_from(
    ["[", "]", "(", ")", "<", ">", "!", "*", "`", "~~", "|", "\n", " ", "#", "-", "&#58;",
     "javascript:", "data:", "vbscript:", "alert(1)", "<script>", "onerror=", "\"", "'",
     "https://x.org/", "<img src=x ", "\x00", "\t", "&", ":", "style=", "md-"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_any_mix_of_dangerous_pieces_renders_safe(text):
    assert_safe(render(text))


# Bounded


@pytest.mark.parametrize("deep", [">" * 100_000 + " deep\n", "> " * 20 + "deep\n", "- " * 10 + "deep\n"])
def test_blocks_nested_deeper_than_markdown_it_reads_are_too_costly(deep):
    """markdown-it would drop such a block and everything after it: the page would not show
    what the file says."""
    with pytest.raises(TooCostly, match="nested too deep"):
        render("# Safe\n\n" + deep + "\n## Step 2\n\nRun this.\n")


def test_blocks_nested_up_to_the_limit_render_whole():
    html = render("> " * 19 + "quoted\n\n" + "- " * 9 + "listed\n\n## Step 2\n")
    assert html.count("<blockquote>") == 19 and html.count("<ul>") == 9 and "Step 2</h2>" in html


def test_brackets_nested_deeper_than_the_limit_are_text():
    assert render("[" * 100 + "x" + "]" * 100 + "\n\nafter\n") == "<p>" + "[" * 100 + "x" + "]" * 100 + "</p>\n<p>after</p>\n"


def test_files_of_one_page_share_its_budget(small_budget, monkeypatch):
    monkeypatch.setattr(markdown, "MAX_PAGE_WORK", 10_000)
    page = markdown.page_budget()
    assert render("![" * 2_400, page=page).startswith("<p>![")
    with pytest.raises(TooCostly, match="page's Markdown files together") as refused:
        render("![" * 2_400, page=page)
    assert refused.value.page and page.left == 0
    with pytest.raises(TooCostly):
        render("a", page=page)


@pytest.fixture
def small_budget(monkeypatch):
    """A limit of 10,000 steps and tokens, so that going past it costs the test little.
    (bench/markdown_worst.py measures the real limit on 512 KiB of the worst shapes.)"""
    monkeypatch.setattr(markdown, "MAX_WORK", 10_000)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("![" * 10_000, id="a paragraph of ![ costs a step a character"),
        pytest.param("*a**a" * 4_000, id="a run of emphasis"),
        pytest.param("- \n" * 10_000, id="one list of many items, made by one rule call"),
        pytest.param("|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n" + "|\n" * 100, id="a table of empty cells"),
        pytest.param(">" * 100 + "\n" + "> a\n" * 10_000, id="a long quote"),
    ],
)
def test_texts_that_take_too_much_work_are_too_costly(small_budget, text):
    with pytest.raises(TooCostly, match="more than 10,000 parsing steps and tokens"):
        render(text)


def test_under_the_limit_the_same_shapes_render(small_budget):
    assert render("![" * 1_000).startswith("<p>![")
    assert render("- \n" * 1_000).count("<li>") == 1_000


def test_a_reference_used_many_times_is_too_costly_before_its_html_is_made():
    text = "[a]: /" + "x" * 10_000 + "\n\n" + "[a] " * 1_000
    with pytest.raises(TooCostly, match="HTML would be more than"):
        render(text)


def test_a_big_ordinary_document_renders():
    section = "## Part\n\nSome *text*, `code` and [a link](https://example.com).\n\n- one\n- two\n\n"
    html = render(section * 1_000)
    assert html.count("<h2") == 1_000


def test_the_module_needs_no_web_framework():
    code = "import sys, apps.snippets.markdown; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=".").returncode == 0
