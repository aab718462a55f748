"""apps/errorcodes.py: every error code any API can answer is in the one list, and documented.

The codes are found where they are written: the source of every app and of the composite is
read for the error constructors and error bodies it builds (``InputError("too_large", …)``,
``{"code": …, "message": …}``, ``BURN_CODE = …``), so a code that a test never provokes is
checked too. The apps' own error builders also warn on an unknown code (an error in tests).
"""

import ast
import re
import warnings

import pytest

from apps import errorcodes
from apps.highlighter.core.errors import STATUS as HIGHLIGHTER_STATUS
from apps.killable.errors import STATUSES as KILLABLE_STATUSES
from tests.test_layout import ROOT

BUILDERS = {  # callables that take an error code, positionally (snake_case) or as code=
    "HighlightError", "InputError", "Failure", "TextRefused", "Refusal", "Refused",
    "error", "json_error", "error_response", "error_body",
}
CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)*")
SOURCES = [*sorted((ROOT / "apps").rglob("*.py")), *sorted((ROOT / "composite").rglob("*.py"))]
NOT_ERRORS = {ROOT / "apps" / "highlighter" / "openapi.py"}  # its error() takes a description


def called_name(node):
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def text(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def codes_in(tree):
    """Every error code written in a module: (line, code)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called_name(node) in BUILDERS:
            for arg in node.args[:4]:
                for value in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                    if text(value) and CODE.fullmatch(text(value)):
                        yield node.lineno, text(value)
            for keyword in node.keywords:
                if keyword.arg == "code" and text(keyword.value):
                    yield node.lineno, text(keyword.value)
        elif isinstance(node, ast.Dict):
            keys = [text(key) for key in node.keys]
            if "code" in keys and "message" in keys:
                value = text(node.values[keys.index("code")])
                if value:
                    yield node.lineno, value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.endswith("_CODE") and text(node.value):
                yield node.lineno, text(node.value)
            elif name in ("ERROR_CODES", "BY_STATUS") and isinstance(node.value, ast.Dict):
                yield from ((node.lineno, text(value)) for value in node.value.values if text(value))
            elif name in ("STATUS", "STATUSES") and isinstance(node.value, ast.Dict):
                yield from ((node.lineno, text(key)) for key in node.value.keys if text(key))


def written_codes(paths=SOURCES):
    found = {}
    for path in paths:
        if path in NOT_ERRORS:
            continue
        for line, code in codes_in(ast.parse(path.read_text(), filename=str(path))):
            found.setdefault(code, f"{path}:{line}")
    return found


def test_every_error_code_written_in_the_apps_and_the_composite_is_in_the_list():
    found = written_codes()
    unknown = {code: where for code, where in found.items() if code not in errorcodes.CODES}
    assert unknown == {}


def test_every_listed_code_is_answered_somewhere():
    assert set(errorcodes.CODES) - set(written_codes()) == set()


def test_the_scan_finds_the_codes_of_every_app_and_of_the_composite():
    """Guard against a scan that finds nothing: codes each app is known to answer are found."""
    found = written_codes()
    assert {"burn_after_reading", "removed_content", "cross_site"} <= found.keys()  # the paste site
    assert {"unknown_style", "output_too_large", "bad_host"} <= found.keys()  # the highlighter
    assert {"refused", "unknown_format", "internal_error"} <= found.keys()  # the diff viewer
    assert {"rate_limited", "not_implemented"} <= found.keys()  # the composite, in front of all three


def test_the_scan_would_notice_an_unknown_code(tmp_path):
    planted = tmp_path / "x.py"
    planted.write_text('raise InputError("internal" if x else "fault", "A message.")\nbody = {"code": "oops", "message": "A message."}\n'
                       'return json_error(500, "kaput", "A message.")\nBURN_CODE = "burnt"\n')
    assert set(written_codes([planted])) == {"internal", "fault", "oops", "kaput", "burnt"}


def test_the_pools_and_the_highlighters_status_tables_use_listed_codes():
    assert set(HIGHLIGHTER_STATUS) <= set(errorcodes.CODES)
    assert set(KILLABLE_STATUSES) <= set(errorcodes.CODES)


def test_a_renamed_code_is_not_listed_and_names_a_listed_one():
    for old, new in errorcodes.RENAMED.items():
        assert old not in errorcodes.CODES and new in errorcodes.CODES


def test_every_code_has_a_status_and_a_meaning():
    for code, (status, meaning) in errorcodes.CODES.items():
        assert CODE.fullmatch(code) and 400 <= status < 600 and meaning, code


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "bad_request"), (404, "not_found"), (405, "method_not_allowed"), (413, "too_large"),
     (411, "length_required"), (416, "bad_request"), (500, "internal_error"), (502, "internal_error")],
)
def test_a_frameworks_http_error_gets_the_code_of_its_status(status, code):
    assert errorcodes.for_status(status) == code


def test_an_error_body_with_an_unlisted_code_warns():
    assert errorcodes.error_body("gone", "Expired.") == {"error": {"code": "gone", "message": "Expired."}}
    with pytest.warns(errorcodes.UnknownErrorCode):
        errorcodes.error_body("internal", "x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        errorcodes.error_body("removed", "x", reason="spam")


def test_the_highlighters_openapi_error_enum_is_listed_and_covers_what_it_answers():
    from apps.highlighter.openapi import ERROR

    enum = set(ERROR["properties"]["error"]["properties"]["code"]["enum"])
    assert enum <= set(errorcodes.CODES)
    highlighter = written_codes(sorted((ROOT / "apps" / "highlighter").rglob("*.py")))
    assert set(highlighter) - {"default"} <= enum


def test_docs_api_md_lists_exactly_the_codes():
    page = (ROOT / "docs" / "api.md").read_text()
    table = page.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z_0-9]+)` \|", table, flags=re.M)
    assert sorted(listed) == sorted(errorcodes.CODES)
    for old in errorcodes.RENAMED:
        assert f"`{old}`" in table  # the renamed code is said so
