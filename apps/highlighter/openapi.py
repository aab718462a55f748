"""The OpenAPI 3.1 description of the API, served at ``/api/openapi.json``.

Written by hand next to the code it describes; tests validate real responses against it
and check that it names exactly the app's routes. Schemas are JSON Schema 2020-12.

It is the whole contract with the other apps: ``apps/highlightclient.py`` uses nothing it does
not publish (``X-Highlighter-Version`` included), and ``tests/contract.py`` checks every request
that client makes and every answer it reads against it, the real highlighter's and the fake's.
"""

from apps.highlighter.core import PYGMENTS_VERSION
from apps.highlighter.core.batch import MAX_ITEMS as MAX_BATCH_ITEMS
from apps.highlighter.core.detection import MAX_CANDIDATES
from apps.highlighter.core.options import MAX_HL_LINES, MAX_LINE, MAX_TITLE

IDENTIFIER = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]{0,63}$"}
BOOLEAN = {"type": "boolean"}


def integer(low, high):
    return {"type": "integer", "minimum": low, "maximum": high}


OPTIONS = {
    "type": "object",
    "description": "HtmlFormatter options (format html only) and lexer options (any format). "
                   "Anything else is invalid_option.",
    "additionalProperties": False,
    "properties": {
        "linenos": {"enum": ["table", "inline", False, True], "description": "true means table"},
        "linenostart": integer(1, MAX_LINE),
        "linenostep": integer(1, 1000),
        "hl_lines": {"type": "array", "maxItems": MAX_HL_LINES, "items": integer(1, MAX_LINE)},
        "lineanchors": IDENTIFIER,
        "linespans": IDENTIFIER,
        "anchorlinenos": BOOLEAN,
        "wrapcode": BOOLEAN,
        "nowrap": BOOLEAN,
        "noclasses": {**BOOLEAN, "description": "inline styles instead of CSS classes"},
        "cssclass": IDENTIFIER,
        "classprefix": IDENTIFIER,
        "full": {**BOOLEAN, "description": "a whole HTML document"},
        "title": {"type": "string", "maxLength": MAX_TITLE},
        "stripnl": BOOLEAN,
        "stripall": BOOLEAN,
        "tabsize": integer(0, 16),
        "startinline": BOOLEAN,
    },
}

NAME = {"type": "string", "maxLength": 255}

HIGHLIGHT_REQUEST = {
    "type": "object",
    "required": ["code"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "description": "At most HIGHLIGHT_MAX_BYTES (default 1 MiB) in UTF-8."},
        "lexer": {**NAME, "description": "A lexer name or alias (GET /api/lexers)."},
        "filename": {**NAME, "description": "Chooses the lexer when lexer and mimetype do not."},
        "mimetype": NAME,
        "guess": {"type": "boolean", "default": False,
                  "description": "Guess from the content when nothing else decides."},
        "format": {"type": "string", "default": "html",
                   "description": "html, tokens, classes, runs, ansi, terminal, truecolor, latex, rtf, svg, "
                                  "bbcode or an alias (GET /api/formatters)."},
        "style": {"type": "string", "default": "default", "description": "GET /api/styles"},
        "options": {"$ref": "#/components/schemas/Options"},
    },
}

TOKEN_LINES = {
    "type": "array",
    "description": "One list per line of the lexed code (a final newline ensured, \\r\\n read as "
                   "\\n): its [name, text] pairs, whose texts spell the line; an empty line is []. "
                   "The name is the token type (format tokens: \"Token.Keyword\") or the CSS "
                   "classes the html format gives the token (format classes: \"k\", \"k k-Custom\", "
                   "\"\" for plain text), coloured by GET /styles/{style}.css.",
    "items": {"type": "array", "items": {
        "type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}],
        "minItems": 2, "maxItems": 2}},
}

TOKEN_RUNS = {
    "type": "object", "required": ["classes", "lines"], "additionalProperties": False,
    "description": "Format runs: the classes stream without its texts, for a client that holds the code. "
                   "classes: each distinct CSS classes value once (as format classes names them); lines: "
                   "one flat list per line of the lexed code (as TokenLines), [class index, length, …], "
                   "the lengths in characters (Unicode code points) summing to the line's length; "
                   "neighbouring tokens of the same classes may be one run.",
    "properties": {
        "classes": {"type": "array", "items": {"type": "string"}},
        "lines": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
    },
}

LEXER_REF = {
    "type": "object", "required": ["name", "alias"], "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "alias": {"type": ["string", "null"]}},
}

METHOD = {"enum": ["lexer", "mimetype", "filename", "filename+content", "content", "default"]}

RULE = {"enum": ["filename", "shebang", "modeline", "model", "pygments", "fallback"],
        "description": "The detection rule that decided, in the order they are tried: the file name, "
                       "a #! line, an editor modeline, the content model, Pygments' own guess, "
                       "plain text (fallback) when none is confident enough."}
SCORE = {"type": "number", "minimum": 0, "maximum": 1}

GUESS_RESULT = {
    "type": "object", "additionalProperties": False,
    "required": ["lexer", "method", "guessed", "rule", "confidence", "candidates"],
    "properties": {
        "lexer": {"$ref": "#/components/schemas/LexerRef"},
        "method": METHOD,
        "guessed": {"type": "boolean", "description": "false when the answer is plain text by default"},
        "rule": RULE,
        "confidence": {**SCORE, "description": "How sure the rule is (1 for filename, shebang and "
                                               "modeline; for fallback, how sure that no language fits)."},
        "candidates": {
            "type": "array", "maxItems": MAX_CANDIDATES,
            "description": "The languages the content rules weighed, best first, with their scores "
                           "(one, scored 1, when a filename, shebang or modeline decided; empty when "
                           "nothing was weighed).",
            "items": {"type": "object", "required": ["lexer", "name", "score"], "additionalProperties": False,
                      "properties": {"lexer": {"type": "string", "description": "a lexer alias"},
                                     "name": {"type": "string"}, "score": SCORE}}},
    },
}

HIGHLIGHT_RESULT = {
    "type": "object",
    "required": ["output", "format", "lexer", "style", "guessed"],
    "additionalProperties": False,
    "properties": {
        "output": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/TokenLines"},
                             {"$ref": "#/components/schemas/TokenRuns"}],
                   "description": "A string; for formats tokens and classes, lines of [name, text] pairs; "
                                  "for runs, the classes and each line's runs."},
        "format": {"type": "string"},
        "lexer": {"$ref": "#/components/schemas/LexerRef"},
        "style": {"type": "string"},
        "guessed": {"type": "boolean"},
        "method": METHOD,
        "detection": {"$ref": "#/components/schemas/GuessResult",
                      "description": "How the lexer was detected, as POST /api/guess answers it: present "
                                     "when neither lexer nor mimetype decided and a filename was sent or "
                                     "guess is true (without guess, only when the file name decided)."},
    },
}

BATCH_REQUEST = {
    "type": "object", "required": ["items"], "additionalProperties": False,
    "properties": {"items": {
        "type": "array", "minItems": 1, "maxItems": MAX_BATCH_ITEMS,
        "description": "Each item is a HighlightRequest; all their code together at most "
                       "HIGHLIGHT_MAX_BYTES in UTF-8 (what one request's code may be).",
        "items": {"$ref": "#/components/schemas/HighlightRequest"}}},
}

BATCH_RESULT = {
    "type": "object", "required": ["results"], "additionalProperties": False,
    "properties": {"results": {
        "type": "array",
        "description": "One per item, in order: its HighlightResult, or its Error when that item "
                       "could not be highlighted (the others are).",
        "items": {"oneOf": [{"$ref": "#/components/schemas/HighlightResult"},
                            {"$ref": "#/components/schemas/Error"}]}}},
}

GUESS_REQUEST = {
    "type": "object", "additionalProperties": False,
    "properties": {"filename": NAME, "code": {"type": "string"}},
}


STRINGS = {"type": "array", "items": {"type": "string"}}

LEXERS = {"type": "array", "items": {
    "type": "object", "required": ["name", "aliases", "filenames", "mimetypes"], "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "aliases": STRINGS, "filenames": STRINGS, "mimetypes": STRINGS}}}

STYLES = {"type": "array", "items": {
    "type": "object", "required": ["name", "background_color", "highlight_color"], "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "background_color": {"type": ["string", "null"]},
                   "highlight_color": {"type": ["string", "null"]}}}}

FORMATTERS = {"type": "array", "items": {
    "type": "object", "required": ["name", "aliases", "description", "media_type", "options"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "aliases": STRINGS, "description": {"type": "string"},
                   "media_type": {"type": "string"}, "options": STRINGS}}}

ERROR = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {
            "code": {"enum": ["bad_request", "invalid_utf8", "invalid_unicode", "nul_byte",
                              "unknown_lexer", "unknown_style", "unknown_format",
                              "invalid_option", "too_large", "timeout", "output_too_large", "busy",
                              "worker_crashed", "internal_error", "not_found", "method_not_allowed",
                              "bad_host"]},
            "message": {"type": "string"}}}},
}

FORM_NOTE = ("Forms carry the same fields; options as one JSON-text field `options` and/or "
             "one field per option `options.<name>` (booleans true/false, hl_lines as 1,3,5); "
             "in multipart, `code` may be a file (its name is the filename).")


def json_body(ref):
    return {"application/json": {"schema": {"$ref": ref}}}


def form_bodies(ref):
    schema = {"$ref": ref}
    return {**json_body(ref),
            "application/x-www-form-urlencoded": {"schema": schema},
            "multipart/form-data": {"schema": schema}}


def error(description):
    return {"description": description, "content": json_body("#/components/schemas/Error")}


ERRORS = {
    "400": error("bad_request, invalid_utf8, invalid_unicode, nul_byte (text that is not text), "
                 "unknown_lexer, unknown_style, unknown_format, invalid_option, "
                 "or bad_host (a Host not in ALLOWED_HOSTS)"),
    "413": error("too_large: the body or the code is over the limit (a batch: its items, or their code together)"),
    "default": error("Any other error (method_not_allowed, internal_error ...), in the same shape"),
}
POOL_ERRORS = {
    "422": error("timeout: highlighting took longer than HIGHLIGHT_TIMEOUT and was stopped; "
                 "output_too_large: the output would pass HIGHLIGHT_MAX_OUTPUT_BYTES (or 1 MiB + "
                 "HIGHLIGHT_MAX_OUTPUT_RATIO x the code's size)"),
    "500": error("worker_crashed or internal_error"),
    "503": error("busy: every highlighting process stayed busy; retry (Retry-After)"),
}
ETAG = {"ETag": {"schema": {"type": "string"}, "description": "From the request and the Pygments version."}}
VERSION = {"X-Highlighter-Version": {
    "required": True, "schema": {"type": "string", "minLength": 1},
    "description": "Changes whenever the answer to the same request may change (another Pygments, "
                   "another output version of this service): clients key what they keep on it."}}


def catalog(summary, schema_name):
    return {"get": {
        "summary": summary,
        "responses": {
            "200": {"description": "The list", "headers": {**ETAG, **VERSION},
                    "content": json_body(f"#/components/schemas/{schema_name}")},
            "304": {"description": "Not modified (If-None-Match)"},
            "default": ERRORS["default"],
        },
    }}


def spec(script_root: str = "") -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Highlighter",
            "version": f"1 (Pygments {PYGMENTS_VERSION})",
            "description": "Pygments as an HTTP service: JSON in, JSON out, bounded in size and time. "
                           "Every error is {\"error\": {\"code\", \"message\"}}. See docs/highlighter.md.",
        },
        "servers": [{"url": script_root or "/"}],
        "paths": {
            "/api/highlight": {"post": {
                "summary": "Highlight code",
                "description": "The lexer is chosen by lexer, then mimetype, then filename (with the content), "
                               "then the content if guess is true, else plain text. If-None-Match with a "
                               "previous ETag gives 304 (for this POST too). " + FORM_NOTE,
                "parameters": [{"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
                               {"name": "Cache-Control", "in": "header", "schema": {"enum": ["no-store"]},
                                "description": "no-store: keep this code and its answer in no cache "
                                               "(the answer says no-store too)."},
                               {"name": "X-Request-ID", "in": "header", "schema": {"type": "string"},
                                "description": "Logged with the request, to follow one page view "
                                               "across the apps."}],
                "requestBody": {"required": True, "content": form_bodies("#/components/schemas/HighlightRequest")},
                "responses": {
                    "200": {"description": "Highlighted", "headers": {**ETAG, **VERSION},
                            "content": json_body("#/components/schemas/HighlightResult")},
                    "304": {"description": "Not modified: the ETag sent in If-None-Match still holds"},
                    **ERRORS, **POOL_ERRORS,
                },
            }},
            "/api/highlight/batch": {"post": {
                "summary": "Highlight many texts in one job",
                "description": "The items run in one highlighting process as ONE job: one time budget "
                               "(HIGHLIGHT_TIMEOUT) for the whole batch, which is killed whole past it "
                               "(timeout); one output limit for all the items' code, used in order. "
                               "An item that cannot be highlighted gets its own error in its place. "
                               "Nothing is cached (the answer is no-store); no ETag. JSON only.",
                "parameters": [{"name": "X-Request-ID", "in": "header", "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": json_body("#/components/schemas/BatchRequest")},
                "responses": {
                    "200": {"description": "Each item's result or error", "headers": VERSION,
                            "content": json_body("#/components/schemas/BatchResult")},
                    **ERRORS, **POOL_ERRORS,
                },
            }},
            "/api/guess": {"post": {
                "summary": "The lexer detected for a filename and/or code, the rule that decided, and how sure",
                "description": "Rules in order: filename, shebang (#!), modeline (-*- mode: -*-, vim: ft=), "
                               "the content model (Magika), Pygments' own guess when near-certain, "
                               "else plain text (fallback). method and guessed say the same as in "
                               "HighlightResult.",
                "requestBody": {"required": True, "content": form_bodies("#/components/schemas/GuessRequest")},
                "responses": {
                    "200": {"description": "The guess", "content": json_body("#/components/schemas/GuessResult")},
                    **ERRORS, **POOL_ERRORS,
                },
            }},
            "/api/lexers": catalog("Every installed lexer", "Lexers"),
            "/api/styles": catalog("Every installed style", "Styles"),
            "/api/formatters": catalog("The output formats and the options each accepts", "Formatters"),
            "/api/openapi.json": {"get": {
                "summary": "This description",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
            "/styles/{style}.css": {"get": {
                "summary": "A style's CSS, scoped under a selector",
                "parameters": [
                    {"name": "style", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "selector", "in": "query", "schema": {"type": "string", "default": ".highlight",
                                                                    "pattern": "^[A-Za-z0-9_.#:>, -]{1,100}$"}},
                ],
                "responses": {
                    "200": {"description": "The stylesheet", "headers": ETAG,
                            "content": {"text/css": {"schema": {"type": "string"}}}},
                    "304": {"description": "Not modified"},
                    "400": error("unknown_style or invalid_option (the selector)"),
                    "default": ERRORS["default"],
                },
            }},
            "/": {"post": {
                "summary": "The pygments.appspot.com API: form fields lang and code, the HTML fragment back",
                "requestBody": {"required": True, "content": {
                    media: {"schema": {"type": "object", "required": ["lang", "code"],
                                       "properties": {"lang": {"type": "string"}, "code": {"type": "string"}}}}
                    for media in ("application/x-www-form-urlencoded", "multipart/form-data")}},
                "responses": {
                    "200": {"description": "The HTML fragment", "content": {"text/html": {"schema": {"type": "string"}}}},
                    **ERRORS, **POOL_ERRORS,
                },
            }},
        },
        "components": {"schemas": {
            "HighlightRequest": HIGHLIGHT_REQUEST,
            "Options": OPTIONS,
            "HighlightResult": HIGHLIGHT_RESULT,
            "TokenLines": TOKEN_LINES,
            "TokenRuns": TOKEN_RUNS,
            "LexerRef": LEXER_REF,
            "BatchRequest": BATCH_REQUEST,
            "BatchResult": BATCH_RESULT,
            "GuessRequest": GUESS_REQUEST,
            "GuessResult": GUESS_RESULT,
            "Lexers": LEXERS,
            "Styles": STYLES,
            "Formatters": FORMATTERS,
            "Error": ERROR,
        }},
    }
