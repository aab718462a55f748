"""Markdown files shown as HTML: CommonMark rendered, then cleaned by an allow-list.

The text is anybody's, so safety does not rest on one layer. markdown-it-py parses it with
raw HTML off (a ``<script>`` in the text is shown as text) and with a link check stricter
than its own (only ``http``, ``https``, ``mailto`` and relative links; images only from
absolute ``http(s)`` URLs, anything else shows its alt text). Then nh3 (ammonia) keeps only
the tags, attributes and URL schemes listed here, whatever the parser emitted, and gives
every link ``rel="nofollow noopener"``. Heading ids, and the ``#fragment`` links that point
at them, carry a prefix (``md-``) so that a document cannot take the name of an element of
the page around it (DOM clobbering).

Rendering is bounded. markdown-it-py is linear, but some shapes cost 15 times as much per
byte as prose (a paragraph of ``![``), and a link reference used many times is copied into
the HTML each time. So the work is counted while parsing (every block and inline rule step,
every token) and the size of the HTML is estimated before it is made: past ``MAX_WORK`` or
``MAX_HTML``, ``render`` raises ``TooCostly`` and the page shows the highlighted source
instead. A page shows several files: they share one budget (``page_budget``, ``MAX_PAGE_WORK``
for all the Markdown a page renders), so a page costs at most what its worst file may; a file
past it is shown as source, and ``renderedmarkdown`` keeps rendered files so later views do
not pay again.

markdown-it stops reading a document at a block nested deeper than ``MAX_NESTING`` (a list in
a list… ten deep) and silently drops the rest, so the page would show less than the file holds:
such a text is ``TooCostly`` too, and shown as its source.
"""

import re
import unicodedata
from html import escape

import nh3
from markdown_it import MarkdownIt

MAX_NESTING = 20  # brackets deeper than this are shown as text; blocks (a list is 2, a quote 1): the file as source
MAX_WORK = 250_000  # rule steps plus tokens: real documents cost one per 4–6 bytes, dense prose one per 2.4
MAX_PAGE_WORK = MAX_WORK  # for all the Markdown files one page renders together
MAX_HTML = 4 << 20  # characters of text and attribute values the HTML would hold
ANCHOR_PREFIX = "md-"
VERSION = 2  # of the HTML made: part of a cache key, raised when the output changes

LINK_SCHEMES = {"http", "https", "mailto"}
IMAGE_SCHEMES = {"http", "https"}
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")  # what browsers drop or strip in a URL
LANGUAGE_CLASS = re.compile(r"language-[\w+#.-]{1,64}")
ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}


class TooCostly(Exception):
    """The text would take too much work or HTML to render; show its source instead.

    ``page``: only because the page's other files used its budget (the text alone may render)."""

    def __init__(self, reason, page=False):
        super().__init__(reason)
        self.reason = reason
        self.page = page


def deeper_than_allowed(tokenize):
    """The block parser's ``tokenize``, refusing (``TooCostly``) a block it would drop for
    being nested deeper than ``MAX_NESTING`` (markdown-it skips it and what follows)."""

    def tokenize_within_nesting(state, start_line, end_line):
        if state.level >= MAX_NESTING and state.skipEmptyLines(start_line) < end_line:
            raise TooCostly("its lists or quotes are nested too deep to show (markdown-it would drop the rest)")
        return tokenize(state, start_line, end_line)

    return tokenize_within_nesting


def render(text: str, anchor_prefix: str = ANCHOR_PREFIX, page=None) -> str:
    """Safe HTML for the Markdown ``text``, or ``TooCostly``.

    ``anchor_prefix`` starts every heading id (``md-install``) and every ``#install``
    link in the text; give each file of a page its own (``md-2-``) so that their ids
    differ. It must start with ``md-``: any other id is given that prefix by the cleaner.
    ``page``: the page's ``page_budget()``, charged with this file's work (at most ``MAX_WORK``).
    """
    budget = Budget(MAX_WORK) if page is None else page.share(MAX_WORK)
    env = {"budget": budget, "anchor_prefix": anchor_prefix}
    try:
        tokens = PARSER.parse(text, env)
    finally:
        if page is not None:
            page.charge(budget)
    if html_estimate(tokens) > MAX_HTML:
        raise TooCostly(f"its HTML would be more than {MAX_HTML:,} characters")
    return CLEANER.clean(PARSER.renderer.render(tokens, PARSER.options, env))


def page_budget():
    """The work all the Markdown files of one page may take together."""
    return Budget(MAX_PAGE_WORK)


class Budget:
    """Work left for one rendering (or one page's); spending past zero raises ``TooCostly``."""

    def __init__(self, work, page_limit=None):
        self.limit = self.left = work
        self.page_limit = page_limit  # set when the page's budget, not the file's, is what is left

    @property
    def used(self):
        return self.limit - max(self.left, 0)

    def spend(self):
        self.left -= 1
        if self.left < 0:
            if self.page_limit is not None:
                raise TooCostly(f"the page's Markdown files together would take more than {self.page_limit:,} "
                                "parsing steps and tokens", page=True)
            raise TooCostly(f"it would take more than {self.limit:,} parsing steps and tokens")

    def share(self, work):
        """A budget for one file of this page: ``work``, or less if that is all the page has left."""
        if self.left >= work:
            return Budget(work)
        return Budget(max(self.left, 0), page_limit=self.limit)

    def charge(self, budget):
        """Take what a file's ``share`` used from this page's budget."""
        self.left -= budget.used


# Parsing: markdown-it-py rules that count work, check links and set anchors.

class CountedTokens(list):
    """A token list that charges the budget for every token appended to it.

    Block rules such as a table or a list make all their tokens in one call, so counting
    tokens as they are made is the only way to stop one before it has filled memory.
    """

    def __init__(self, budget):
        super().__init__()
        self.budget = budget

    def append(self, token):
        self.budget.spend()
        super().append(token)


def count_block_tokens(state):
    """Core rule before the block parse: its tokens go to a counted list."""
    state.tokens = CountedTokens(state.env["budget"])


def count_inline_tokens(state):
    """Core rule before the inline parse: so do every paragraph's, heading's and cell's."""
    for token in state.tokens:
        if token.type == "inline" and not token.children:
            token.children = CountedTokens(state.env["budget"])


def count_block_step(state, start_line, end_line, silent):
    """First block rule, and first of the checks whether a line ends a paragraph, a quote
    or a list: a quote 20 deep visits each of its lines 20 times."""
    state.env["budget"].spend()
    return False


def count_inline_step(state, silent):
    state.env["budget"].spend()
    return False


def scheme(url):
    """The URL's scheme as a browser would read it (lower case), or None if relative."""
    match = SCHEME.match(INVISIBLE.sub("", url))
    return match.group(1).lower() if match else None


def allowed_link(url):
    return scheme(url) in LINK_SCHEMES | {None}


def allowed_image(url):
    """Only absolute web URLs: ``https:a.png`` would be relative to the page."""
    return scheme(url) in IMAGE_SCHEMES and INVISIBLE.sub("", url).partition(":")[2].startswith("//")


def slug(text):
    """GitHub's way: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def set_anchors(state):
    """Heading ids from their text, unique, prefixed; ``#x`` links follow the prefix."""
    prefix = state.env["anchor_prefix"]
    seen = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            base = slug("".join(c.content for c in inline.children or () if c.type in ("text", "code_inline")))
            count = seen.get(base, 0)
            seen[base] = count + 1
            token.attrSet("id", prefix + (f"{base}-{count}" if count else base))
        elif token.type == "inline":
            for child in token.children or ():
                href = child.attrGet("href") if child.type == "link_open" else None
                if isinstance(href, str) and href.startswith("#") and len(href) > 1:
                    child.attrSet("href", "#" + prefix + href[1:])


def table_alignment_as_attribute(state):
    """``style="text-align:right"`` on table cells becomes ``align="right"``: no styles."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs:
            align = ALIGN.get(token.attrs.pop("style", ""))
            if align:
                token.attrSet("align", align)


def image_or_alt_text(self, tokens, index, options, env):
    """An image from an allowed URL, else its alt text (as GitHub shows a broken one)."""
    token = tokens[index]
    if allowed_image(str(token.attrGet("src") or "")):
        return self.image(tokens, index, options, env)
    return escape(self.renderInlineAsText(token.children, options, env))


def make_parser():
    parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    parser.enable(["table", "strikethrough"])
    parser.validateLink = allowed_link
    parser.block.ruler.before(
        "table", "count_work", count_block_step, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    parser.inline.ruler.before("text", "count_work", count_inline_step)
    parser.core.ruler.before("block", "count_block_tokens", count_block_tokens)
    parser.core.ruler.before("inline", "count_inline_tokens", count_inline_tokens)
    parser.core.ruler.after("inline", "anchors", set_anchors)
    parser.core.ruler.after("anchors", "table_alignment", table_alignment_as_attribute)
    parser.add_render_rule("image", image_or_alt_text)
    parser.block.tokenize = deeper_than_allowed(parser.block.tokenize)  # nested blocks call it again
    return parser


def html_estimate(tokens):
    """Characters of content and attribute values the HTML of ``tokens`` would hold.

    A link reference defined once and used a hundred thousand times is one string in the
    tokens and a hundred thousand in the HTML: this counts it as the HTML will.
    """
    total = 0
    for token in tokens:
        total += 16 + len(token.content) + sum(len(str(value)) for value in token.attrs.values())
        if token.children:
            total += html_estimate(token.children)
    return total


# Cleaning: nh3 keeps only what is listed here.

TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote",
    "ul", "ol", "li", "pre", "code", "em", "strong", "del", "s",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "ol": {"start"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}
ALIGNMENTS = {"align": {"left", "center", "right"}}


def keep_attribute(tag, name, value):
    """nh3's last word on an attribute: images from the web only, known classes only."""
    if tag == "img" and name == "src":
        return value if allowed_image(value) else None
    if name == "class":
        return value if LANGUAGE_CLASS.fullmatch(value) else None
    return value


CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style", "template", "svg", "math", "iframe", "object", "noscript"},
    attributes=ATTRIBUTES,
    tag_attribute_values={"th": ALIGNMENTS, "td": ALIGNMENTS},
    attribute_filter=keep_attribute,
    url_schemes=LINK_SCHEMES,
    link_rel="nofollow noopener",
    # an image from elsewhere is fetched when the page is read: tell its host nothing more
    set_tag_attribute_values={"img": {"referrerpolicy": "no-referrer", "loading": "lazy"}},
    id_prefix=ANCHOR_PREFIX,
    strip_comments=True,
)
PARSER = make_parser()
