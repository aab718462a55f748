r"""Corrections to the content model where it is measured to be weak: tokens only one language has.

The model confuses neighbours on short excerpts: C# with Java, TypeScript with JavaScript, CSS
with SCSS, HTML with Handlebars, Kotlin with Scala or Swift, Elixir with Ruby or Erlang, C++ with
C, Markdown with the code it quotes. Each language below lists a few markers that a reader would
take as proof (`namespace X {` with `using System;`, a type annotation, `std::`, a `## ` heading);
some neighbours also list what they cannot do without (Handlebars without `{{` is HTML, HTML
without an HTML element is XML) or cannot hold (a `//` comment is never CSS, `import {` never
Go). The correction only reorders the model's own candidates: a candidate's probability is
multiplied by BOOST for each marker found and by MISSING when it lacks a requirement or holds
what it cannot, then all are normalised. Tuned on bench/corpus/tune only (docs/performance.md
"Language detection" says what each addition bought).

Every marker is searched in linear time, whatever the text (tests/highlighter/test_core_detect.py
times the worst shapes): a marker for the start of a line skips blanks with `[ \t]`, never `\s`,
which would cross lines and rescan every blank line below from each line start; a word before an
operator starts at a word boundary (`\b\w+`), not at each of its letters; an open run up to a
closing character excludes the opening one (`\[[^\[\]\n]+\]`), or is bounded.
"""

import json
import re

EXAMINED = 16 * 1024  # markers are looked for in this prefix only
BOOST = 8.0
MISSING = 0.05
FLOOR = 0.001  # a candidate below this probability is not raised, whatever its markers

_M = re.MULTILINE

MARKERS = {
    "csharp": [
        r"^[ \t]*using\s+System[\w.]*;",
        r"^[ \t]*namespace\s+[\w.]+\s*(?:\{|;|$)",
        r"\{\s*get;\s*(?:(?:private|internal|protected)\s+)?set;\s*\}",
        r"\b(?:public|private|internal|protected)\s+(?:static\s+|override\s+|virtual\s+|async\s+)*(?:string|bool|object)\b",
        r"\[(?:Test|TestFixture|Serializable|Fact|DllImport)\b[^\]]*\]",
        r"\b(?:foreach|internal|readonly|sealed)\b",
        r"\btypeof\s*\(",
        r"\bvar\s+\w+\s*=\s*new\b",
        r"\b(?:uint|ulong|ushort|sbyte|decimal)\b",
        r"^[ \t]*\[assembly:",
        r"\bConsole\.Write(?:Line)?\(",
    ],
    "java": [
        r"^[ \t]*import\s+(?:static\s+)?(?:java|javax|android|org|com)\.[\w.]+(?:\.\*)?;",
        r"^[ \t]*package\s+[\w.]+;",
        r"@Override\b",
        r"\bthrows\s+\w+",
        r"\bfinal\s+[A-Z]\w*(?:<[^>]*>)?\s+\w+\s*=",
        r"\bString\[\]",
        r"\bboolean\b",
        r"\b(?:Math|System|Integer|Arrays|Collections)\.\w+\(",
        r"\bSystem\.(?:out|err)\.print",
    ],
    "typescript": [
        r"(?:\w|\))\??:\s*(?:string|number|boolean|void|unknown|any|never)\b(?!\s*\w*\()",
        r"^[ \t]*(?:export\s+)?(?:interface|type|enum|namespace|declare)\s+\w+",
        r"\b(?:private|public|protected|readonly)\s+\w+\s*[:(]",
        r"\bas\s+(?:const|unknown|any|string|number)\b",
        r"<[A-Z]\w*(?:\s+extends\s+[^>]+)?>\s*\(",
        r"^[ \t]*import\s+type\b",
        r"\(\s*\w+\??:\s*[A-Z]\w*",
        r"\)\s*:\s*[A-Z]\w*(?:<[^<>\n]*>)?(?:\[\])?\s*(?:\{|=>)",
        r"\w!\.\w",
        r"\b(?:keyof|infer)\s",
        r"\bconst\s+\w+\s*:\s*[A-Z]\w*",
        r"^[ \t]*(?:(?:private|public|protected|readonly|static)[ \t]+)*\w+\??:\s*[A-Z]\w*(?:<[^<>\n]*>)?(?:\[\])?;",
    ],
    "javascript": [
        r"\brequire\(\s*['\"][^'\"]+['\"]\s*\)",
        r"\bmodule\.exports\b",
        r"^[ \t]*['\"]use strict['\"]",
        r"\.prototype\.",
        r"@(?:param|returns?)\s+\{",
    ],
    "css": [],
    "scss": [r"^[ \t]*\$[\w-]+\s*:", r"@(?:mixin|include|extend|use|forward|each|if)\b", r"&[:.\-\w]"],
    "html": [r"<(?:div|span|p|a|ul|li|table|tr|td|h[1-6]|br|body|head|meta|link)\b[^<>]*>", r"<!DOCTYPE html", r"&\w+;"],
    "handlebars": [r"\{\{[#/>]"],
    "twig": [r"\{%-?\s*(?:block|extends|for|if|set|include)\b"],
    "jinja": [r"\{%-?\s*(?:block|extends|for|if|set|include)\b"],
    "erb": [r"<%[=-]?"],
    "kotlin": [r"^[ \t]*(?:(?:private|internal|override|suspend|inline|public)[ \t]+)*fun\s+", r"\bval\s+\w+\s*[:=]", r"!!|\?\.let\b", r"^[ \t]*import\s+[\w.]+$"],
    "scala": [r"^[ \t]*(?:case\s+class|object|trait)\s+\w+", r"^[ \t]*def\s+\w+", r"^[ \t]*import\s+[\w.]+\._"],
    "swift": [r"^[ \t]*(?:@\w+[ \t]+)*(?:(?:public|private|fileprivate|internal|open|override|static|class)[ \t]+)*func\s+\w+", r"^[ \t]*(?:guard|if)\s+let\b", r"^[ \t]*import\s+(?:Foundation|UIKit|SwiftUI|ExpoModulesCore|Capacitor)\b", r"\bself\.\w+", r"->\s*[A-Z]\w*\??\s*\{", r"\boverride\s+var\b", r"\\\(", r"\bvar\s+\w+:\s*[A-Z]\w*\??\s*\{", r"\b(?:let|var)\s+\w+\s*=\s*try[?!]?\s"],
    "elixir": [r"^[ \t]*defmodule\s+[\w.]+\s+do\b", r"^[ \t]*defp?\s+\w+[!?]?(?:\((?:[^()\n]|\([^()\n]*\))*\))?\s*(?:when\b.*do|,?\s*do)", r"\|>", r"%\{", r"^[ \t]*@(?:doc|moduledoc|spec|impl)\b", r"\bfn\s[\w,\s{}%]{0,120}->"],
    "ruby": [r"^[ \t]*def\s+\w+[!?]?(?:\(.*\))?\s*$", r"^[ \t]*(?:require|require_relative)\s+['\"]", r"\.each\s+do\s*\|", r"^[ \t]*attr_(?:reader|accessor|writer)\b", r"^[ \t]*module\s+[A-Z]\w*(?:::[A-Z]\w*)*[ \t]*$", r"[\s(,{\[]:\w+\s*=>"],
    "erlang": [r"^-(?:module|export|include|record|spec)\s*\(", r"^[ \t]*\w+\(.*\)\s*->\s*$"],
    "cpp": [r"\bstd::", r"^[ \t]*template\s*<", r"^[ \t]*namespace\s+\w*\s*\{", r"^[ \t]*(?:public|private|protected):", r"\bnullptr\b", r"^[ \t]*#include\s*<(?:iostream|string|vector|memory|map|algorithm|cstdint|cstdio|cstring|cstdlib|utility)>", r"\w::~?\w+\s*\(", r"^[ \t]*class\s+\w+(?:\s*:\s*public\b|\s*\{|\s*;)"],
    "rust": [
        r"^[ \t]*//!",
        r"^[ \t]*#!?\[(?:derive|cfg|allow|test|inline|doc)\b",
        r"\blet\s+mut\b",
        r"^[ \t]*(?:pub(?:\([\w ]+\))?\s+)?(?:fn|struct|enum|trait|mod|impl)\b",
        r"&mut\s",
        r"\w::<",
    ],
    "go": [r"^[ \t]*func\s+(?:\([^)]*\)\s*)?\w+\(", r"\b\w+\s*:=", r"^[ \t]*package\s+\w+\s*$", r"\bif\s+err\s*!=\s*nil\b", r"\bpanic\("],
    "php": [r"<\?php", r"\$this->", r"^[ \t]*(?:public|private|protected)\s+(?:static\s+)?function\b", r"^[ \t]*use\s+[\w\\]+\\\w+;", r"\$\w+\s*=>", r"\bforeach\s*\(\s*\$\w+\s+as\b", r"\b(?:self|static|parent)::\$?\w+", r"\bfunction\s+\w+\s*\(\s*(?:\??[\w\\]+\s+)?\$\w+"],
    "perl": [r"^[ \t]*my\s+[$@%]", r"^[ \t]*sub\s+\w+\s*\{", r"=~\s*[ms]?/", r"^[ \t]*use\s+(?:strict|warnings)\b", r"\$self->\{"],
    "json": [],
    "yaml": [r"^[ \t]*-\s+[\w\"']+:\s", r"^[\w-]+:\s*$", r"^[ \t]+[\w-]+:\s+[^\s{]"],
    "bash": [r"^[ \t]*(?:if|while)\s+\[", r"\bthen$", r"^[ \t]*(?:fi|done|esac)\b", r"\$\{?\w+\}?", r"^[ \t]*(?:export|local)\s+\w+="],
    "xml": [r"^[ \t]*<\?xml\b", r"<\w+:\w+", r"\bxmlns\b", r"^[ \t]+[\w-]+:[\w-]+=\"[^\"]*\"", r"/>\s*$"],
    "markdown": [r"^#{1,6}\s+\S", r"^```", r"^[ \t]*[-*+]\s+\S", r"\[[^\[\]\n]+\]\([^()\n]+\)", r"^[ \t]*\d+\.\s+\S", r"`[^`\n]+`"],
}
# A local or a field declared with a primitive type: C, C++, Java and C# alike (never JavaScript,
# Python, Kotlin, Swift, Go or Rust), so it raises the four against the rest, not one of them.
TYPED_DECLARATION = r"^[ \t]*(?:(?:final|const|static|unsigned|public|private|protected)[ \t]+)*(?:int|long|float|double|char|short)(?:[ \t]*\*[ \t]*|[ \t]+)\w+[ \t]*[=;,\[]"
for _language in ("c", "cpp", "java", "csharp"):
    MARKERS.setdefault(_language, []).append(TYPED_DECLARATION)
_COMPILED = {lang: [re.compile(p, _M) for p in patterns] for lang, patterns in MARKERS.items()}

_LINE_COMMENT = re.compile(r"^[ \t]*//", _M)

# A language the model may name that cannot be right without one of these.
REQUIRES = {
    "handlebars": re.compile(r"\{\{"),
    "twig": re.compile(r"\{[{%]"),
    "jinja": re.compile(r"\{[{%]"),
    "erb": re.compile(r"<%"),
    "scss": _COMPILED["scss"],
    "typescript": _COMPILED["typescript"],
    # HTML names at least one HTML element: tags that are none of them are XML (or a template).
    "html": re.compile(
        r"<(?:html|head|body|div|span|p|a|ul|ol|li|dl|dt|dd|table|tr|td|th|h[1-6]|br|hr|img|script|style|link"
        r"|meta|form|input|button|label|select|section|article|nav|header|footer|main|pre|code|em|strong|b|i)\b"
        r"|<!DOCTYPE html",
        re.IGNORECASE,
    ),
    # Prose and markup hold at least one line that is not a `//` or `/*` comment: `//` lines
    # around Markdown are a doc comment (Rust's `//!`, C#'s `///`), not a Markdown file. (Lines
    # that start with `*` may be either: the inside of a `/** */` or a Markdown list.)
    "markdown": re.compile(r"^(?![ \t]*(?://|/\*))[ \t]*\S", _M),
    "restructuredtext": re.compile(r"^(?![ \t]*(?://|/\*))[ \t]*\S", _M),
}


_JSON_LINE = re.compile(
    r'^\s*(?:"(?:[^"\\]|\\.)*"\s*:\s*.*|"(?:[^"\\]|\\.)*",?|[\[\]{}],?|-?\d[\d.eE+-]*,?|true,?|false,?|null,?)\s*$'
)


def _json_hits(text):
    """3 when text parses as JSON; 2 when nearly every line looks like a line of JSON."""
    try:
        json.loads(text)
        return 3
    except ValueError:
        pass
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 3 and sum(1 for line in lines if _JSON_LINE.match(line)) >= 0.9 * len(lines):
        return 2
    return 0


_YAML_KEY = re.compile(r"^[ \t]*(?:-\s+)?[\w.\"'-]+:(?:\s|$)")
_YAML_ITEM = re.compile(r"^[ \t]*-(?:\s|$)")


def _yaml_hits(text):
    """2 more when most lines that are not comments are `key:` or `- key:` lines, or `- item`
    lines under at least two `key:` lines (a list alone is Markdown's too), unless they are JSON."""
    if _json_hits(text):  # JSON is YAML too, but a text that reads as JSON line by line is JSON
        return 0
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    keys = sum(1 for line in lines if _YAML_KEY.match(line))
    items = sum(1 for line in lines if _YAML_ITEM.match(line) and not _YAML_KEY.match(line))
    if len(lines) >= 3 and (keys >= 0.4 * len(lines) or (keys >= 2 and keys + items >= 0.8 * len(lines))):
        return 2
    return 0


def hits(language, text):
    if language == "json":
        return _json_hits(text)
    if language == "yaml":
        return _yaml_hits(text) + sum(1 for pattern in _COMPILED["yaml"] if pattern.search(text))
    return sum(1 for pattern in _COMPILED.get(language, ()) if pattern.search(text))


# A language the model may name that cannot be right with one of these.
EXCLUDES = {
    "css": _LINE_COMMENT,  # a `//` comment: SCSS or Less, never CSS
    "go": re.compile(r"^[ \t]*import\s*\{", _M),  # JavaScript's and TypeScript's; Go's is `import (`
}


def _lacks(language, text):
    """True when text lacks what the language cannot do without, or holds what it cannot hold."""
    excluded = EXCLUDES.get(language)
    if excluded is not None and excluded.search(text):
        return True
    need = REQUIRES.get(language)
    if need is None:
        return False
    patterns = need if isinstance(need, list) else [need]
    return not any(p.search(text) for p in patterns)


def adjust(text, ranked):
    """The model's [(alias, probability)] reordered by the markers found in text, normalised."""
    if not ranked:
        return ranked
    text = text[:EXAMINED]
    weighted = []
    for alias, probability in ranked:
        weight = probability
        if probability >= FLOOR:
            weight *= BOOST ** hits(alias, text)
        if _lacks(alias, text):
            weight *= MISSING
        weighted.append((alias, weight))
    total = sum(w for _, w in weighted) or 1.0
    return sorted(((alias, w / total) for alias, w in weighted), key=lambda pair: pair[1], reverse=True)
