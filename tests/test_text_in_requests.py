"""One table of text, sent to every app's forms and APIs in every way they take it.

The rule is ``apps/textinput.py`` (``docs/api.md``, "Text in requests"): the same bytes are
the same text, or the same refusal naming the field, whichever app reads them and however
they are carried: a JSON string, a urlencoded or multipart field, an uploaded file, a page's
form. Each row says what every carrier must answer; the apps run composed, in-process.
"""

import html
import json
from dataclasses import dataclass
from urllib.parse import quote_from_bytes, urlsplit

import pytest

from apps import errorcodes
from tests.hostile.conftest import csrf_token

pytestmark = pytest.mark.django_db

BOM = "\ufeff"
BOUNDARY = b"text-table-boundary"


@dataclass(frozen=True)
class Row:
    """``sent`` as text, or bytes where no text spells it; what a carrier of bytes reads, and
    what JSON reads where it differs (a lone surrogate is sent as its UTF-8 bytes elsewhere)."""

    name: str
    sent: object
    read: object  # the text taken, or the refusal's code
    read_from_json: object = None  # when JSON differs

    def expected(self, carrier):
        return self.read_from_json if carrier.json and self.read_from_json is not None else self.read


class Refused(str):
    """A refusal's code as an expected outcome."""


ROWS = [
    Row("utf-8 text", "h\u00e9llo w\u00f6rld \U0001f600\n", "h\u00e9llo w\u00f6rld \U0001f600\n"),
    Row("a byte-order mark at the start", BOM + "h\u00e9llo\n", "h\u00e9llo\n"),
    Row("a byte-order mark inside", "a" + BOM + "b\n", "a" + BOM + "b\n"),
    Row("bytes that are not utf-8", b"caf\xe9\n", Refused("invalid_utf8")),
    Row("a surrogate encoded in bytes", b"a\xed\xa0\x80\n", Refused("invalid_utf8"),
        read_from_json=Refused("invalid_utf8")),
    Row("a lone surrogate in json", "a\ud800\n", Refused("invalid_utf8"), read_from_json=Refused("invalid_unicode")),
    Row("a nul byte", "a\x00b\n", Refused("nul_byte")),
]
WORDS = {"invalid_utf8": "is not valid UTF-8 text", "invalid_unicode": "lone surrogate", "nul_byte": "contains a NUL byte"}


@dataclass(frozen=True)
class Carrier:
    """One way one app takes text: ``send(client, value)`` posts it; ``taken(client,
    response)`` is the text the app took; ``named`` is how a refusal names the field."""

    name: str
    path: str
    field: str
    kind: str  # json | urlencoded | multipart | upload | page | page-upload
    named: str
    base: tuple = ()
    app: str = ""

    @property
    def json(self):
        return self.kind == "json"

    @property
    def api(self):
        return not self.kind.startswith("page")

    def __str__(self):
        return self.name


CARRIERS = [
    *(Carrier(f"snippets-api-{kind}", "/api/snippets", "content", kind, named, (("lexer", "text"),), "snippets")
      for kind, named in (("json", "The snippet"), ("urlencoded", "The snippet"), ("multipart", "The snippet"),
                          ("upload", "The file sent as 'content'"), ("body", "The body"))),
    Carrier("snippets-page", "/", "content", "page", "The snippet", (("lexer", "text"), ("expires", "1d")), "snippets"),
    Carrier("snippets-page-upload", "/", "upload", "page-upload", "The upload", (("lexer", "text"), ("expires", "1d")),
            "snippets"),
    *(Carrier(f"highlight-api-{kind}", "/highlight/api/highlight", "code", kind, named,
              (("lexer", "text"), ("format", "tokens")), "highlighter")
      for kind, named in (("json", "Field 'code'"), ("urlencoded", "Field 'code'"), ("multipart", "Field 'code'"),
                          ("upload", "The file sent as 'code'"))),
    *(Carrier(f"diff-api-{kind}", "/diff/api/diff", field, kind, named, (), "diffviewer")
      for kind, field, named in (("json", "left", "Field 'left'"), ("urlencoded", "left", "Field 'left'"),
                                 ("multipart", "left", "Field 'left'"), ("upload", "left_file", "The file sent as 'left_file'"))),
    Carrier("report-page", "/s/{snippet}/report", "text", "page", "The text", (("reason", "other"),), "report"),
    Carrier("diff-page", "/diff/", "left", "page", "Field 'left'", (), "diffviewer"),
    Carrier("diff-page-upload", "/diff/", "left_file", "page-upload", "The file sent as 'left_file'", (), "diffviewer"),
]


def as_bytes(sent):
    return sent if isinstance(sent, bytes) else sent.encode("utf-8", "surrogatepass")


def body_of(carrier, sent, extra):
    """(body, content type) carrying ``sent`` in the carrier's field, beside ``extra`` text fields."""
    fields = [*carrier.base, *extra.items()]
    if carrier.json:
        if isinstance(sent, bytes):  # no JSON string spells it: the bytes go in the body as they are
            body = json.dumps({**dict(fields), carrier.field: "PLACEHOLDER"}).encode().replace(b"PLACEHOLDER", sent)
        else:
            body = json.dumps({**dict(fields), carrier.field: sent}).encode()
        return body, "application/json"
    if carrier.kind == "body":
        return as_bytes(sent), "text/plain"
    pairs = [(name, value.encode()) for name, value in fields]
    if carrier.kind in ("urlencoded", "page"):
        pairs.append((carrier.field, as_bytes(sent)))
        body = "&".join(f"{quote_from_bytes(n.encode())}={quote_from_bytes(v)}" for n, v in pairs)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    parts = [b'Content-Disposition: form-data; name="' + n.encode() + b'"\r\n\r\n' + v for n, v in pairs]
    filename = b'; filename="sent.txt"' if carrier.kind in ("upload", "page-upload") else b""
    parts.append(b'Content-Disposition: form-data; name="' + carrier.field.encode() + b'"' + filename
                 + b"\r\nContent-Type: text/plain\r\n\r\n" + as_bytes(sent))
    body = b"".join(b"--" + BOUNDARY + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + BOUNDARY + b"--\r\n"
    return body, "multipart/form-data; boundary=" + BOUNDARY.decode()


def send(client, carrier, sent, compared_to=""):
    extra = {}
    if carrier.app == "diffviewer":
        extra["right"] = compared_to
    path = carrier.path
    if "{snippet}" in path:  # a fresh snippet to report
        path = path.format(snippet=client.post("/api/snippets", json={"content": "reported\n"}).get_json()["id"])
    if carrier.kind.startswith("page") and carrier.app in ("snippets", "report"):
        extra["csrfmiddlewaretoken"] = csrf_token(client)
    body, content_type = body_of(carrier, sent, extra)
    return client.post(path, data=body, content_type=content_type)


def taken(client, carrier, sent, expected):
    """Whether the app took ``sent`` as the text ``expected``."""
    response = send(client, carrier, sent, compared_to=expected)
    if carrier.app == "snippets":
        if carrier.api:
            assert response.status_code == 201, response.get_data(as_text=True)
            raw = urlsplit(response.get_json()["raw_url"]).path
        else:
            assert response.status_code == 302, response.get_data(as_text=True)[-600:]
            raw = urlsplit(response.headers["Location"]).path.rstrip("/") + "/raw"
        return client.get(raw).get_data(as_text=True) == expected
    if carrier.app == "report":  # the report's text is kept stripped
        from apps.snippets.models import Report

        assert response.status_code == 200, response.get_data(as_text=True)[-600:]
        return Report.objects.latest("created_at").text == expected.strip()
    if carrier.app == "highlighter":
        assert response.status_code == 200, response.get_data(as_text=True)
        lines = response.get_json()["output"]
        return "\n".join("".join(text for _, text in line) for line in lines) + "\n" == expected
    if carrier.api:  # the diff viewer, compared with the expected text as the right side
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["stats"]["identical"]
    assert response.status_code == 200, response.get_data(as_text=True)[-600:]
    return "The two texts are identical." in response.get_data(as_text=True)


def refusal(client, carrier, sent):
    response = send(client, carrier, sent)
    assert response.status_code == 400, response.get_data(as_text=True)[-600:]
    if carrier.api:
        assert response.mimetype == "application/json"
        error = response.get_json()["error"]
        return error["code"], error["message"]
    return None, response.get_data(as_text=True)


CELLS = [pytest.param(carrier, row, id=f"{carrier}-{row.name}") for carrier in CARRIERS for row in ROWS]


@pytest.mark.parametrize(("carrier", "row"), CELLS)
def test_every_app_reads_the_same_bytes_as_the_same_text_or_the_same_refusal(client, carrier, row):
    expected = row.expected(carrier)
    if not isinstance(expected, Refused):
        assert taken(client, carrier, row.sent, expected)
        return
    code, message = refusal(client, carrier, row.sent)
    named = "The body" if carrier.json and isinstance(row.sent, bytes) else carrier.named
    if carrier.api:
        assert code == expected and code in errorcodes.CODES
        assert message.startswith(named) and WORDS[expected] in message, message
    else:  # a page shows the message beside the form
        page = html.unescape(message)
        assert WORDS[expected] in page and named in page, page[-600:]


def test_a_page_forms_text_box_has_the_browsers_crlf_undone_in_every_app(client):
    """A browser sends a ``<textarea>``'s lines with CRLF; the page forms take the text as typed."""
    for carrier in CARRIERS:
        if carrier.kind == "page":
            assert taken(client, carrier, "one\r\ntwo\r\n", "one\ntwo\n"), carrier


def test_an_api_keeps_crlf_as_sent_in_every_app(client):
    for carrier in CARRIERS:
        if carrier.api and carrier.app != "highlighter":  # Pygments reads \r\n as \n whatever we do
            assert taken(client, carrier, "one\r\ntwo\r\n", "one\r\ntwo\r\n"), carrier


@pytest.mark.parametrize(("sent", "says", "not_said"), [
    (b"caf\xe9 is bad", "The text is not valid UTF-8 text (byte 0xe9 at offset 3)", ()),
    (b"a\x00b", "The text contains a NUL byte", ("Null characters", "Say what is wrong")),
])
def test_the_report_page_refuses_what_is_not_text_with_one_message_and_files_nothing(client, sent, says, not_said):
    """Not Django's lenient reading (U+FFFD stored), nor its own NUL message beside a wrong second one."""
    from apps.snippets.models import Report

    carrier = next(carrier for carrier in CARRIERS if carrier.app == "report")
    _, page = refusal(client, carrier, sent)
    page = html.unescape(page)
    assert says in page, page[-600:]
    assert page.count('class="errorlist"') == 2  # "Please correct the errors below." and the one message
    assert not any(words in page for words in not_said), page[-600:]
    assert not Report.objects.exists()


@pytest.mark.parametrize(("word", "means"), [("1", True), (" true", True), ("YES", True), ("on ", True),
                                             ("0", False), (" False ", False), ("no", False), ("OFF", False)])
def test_a_yes_no_option_is_read_alike_by_the_highlighter_and_the_diff_viewer(client, word, means):
    """One word list (``textinput.boolean_word``): " true" used to be a 400 from the diff viewer only."""
    highlighted = client.post("/highlight/api/highlight", data={"code": "x = 1\n", "guess": word})
    assert highlighted.status_code == 200 and ("detection" in highlighted.get_json()) is means  # guessed from content
    diffed = client.post("/diff/api/diff", data={"left": "a b\n", "right": "a c\n", "word_diff": word})
    assert diffed.status_code == 200, diffed.get_data(as_text=True)
    changed = [line for line in diffed.get_json()["hunks"][0]["lines"] if line["kind"] != "context"]
    assert any(line["segments"] for line in changed) is means, changed


@pytest.mark.parametrize("word", ["maybe", "2", "t"])
def test_any_other_word_is_refused_by_both_naming_the_option(client, word):
    highlighted = client.post("/highlight/api/highlight", data={"code": "x\n", "guess": word})
    assert highlighted.status_code == 400 and "guess" in highlighted.get_json()["error"]["message"]
    diffed = client.post("/diff/api/diff", data={"left": "a\n", "right": "b\n", "word_diff": word})
    assert diffed.status_code == 400 and diffed.get_json()["error"]["code"] == "invalid_option"
    assert "word_diff" in diffed.get_json()["error"]["message"]


REPEATED = [  # (path, the field sent twice, the other fields)
    ("/api/snippets", "content", {}),
    ("/api/snippets", "title", {"content": "x\n"}),
    ("/highlight/api/highlight", "code", {}),
    ("/diff/api/diff", "left", {"right": "b\n"}),
    ("/diff/api/diff", "word_diff", {"left": "a\n", "right": "b\n"}),
]


@pytest.mark.parametrize("kind", ["urlencoded", "multipart"])
@pytest.mark.parametrize(("path", "field", "others"), REPEATED)
def test_a_field_sent_twice_is_refused_by_every_form_api_naming_it(client, kind, path, field, others):
    """One rule: not the first value in one app and the last in another, but a 400 naming the field."""
    pairs = [*others.items(), (field, "1"), (field, "0")]
    if kind == "urlencoded":
        body = "&".join(f"{name}={quote_from_bytes(value.encode())}" for name, value in pairs).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body = b"".join(b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
                        + value.encode() + b"\r\n" for name, value in pairs) + b"--" + BOUNDARY + b"--\r\n"
        content_type = "multipart/form-data; boundary=" + BOUNDARY.decode()
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["message"] == f"Field {field!r} was sent more than once; send each field once."


def test_the_paste_page_shows_a_field_sent_twice_beside_the_form(client):
    body = f"csrfmiddlewaretoken={csrf_token(client)}&content=a&content=b&lexer=text&expires=1d".encode()
    response = client.post("/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Field 'content' was sent more than once" in html.unescape(response.get_data(as_text=True))
