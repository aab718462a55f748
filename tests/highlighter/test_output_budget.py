"""Every answer is bounded in size: refused up front when the options make it certain,
else stopped in the worker as soon as it passes the limit (issue 9, item 5)."""

import itertools
import json

import pytest

from apps.environment import ConfigError
from apps.highlighter.core import HighlightError, HighlightRequest, OutputBudget, highlight
from apps.highlighter.core.budget import minimum_output_bytes

LONG = "a" * 64  # the longest identifier an option may hold
AMPLIFYING = {"linenos": "table", "linenostart": 100_000_000, "anchorlinenos": True,
              "lineanchors": LONG, "linespans": "b" * 64, "cssclass": "c" * 64}


def refusal(fields, budget=OutputBudget()):
    with pytest.raises(HighlightError) as info:
        highlight(HighlightRequest.from_fields(fields, output_budget=budget))
    return info.value


# The limit


def test_the_limit_is_absolute_and_relative_to_the_input():
    budget = OutputBudget(max_bytes=16 << 20, ratio=64, floor=1 << 20)
    assert budget.limit(0) == 1 << 20  # any input may have a 1 MiB answer
    assert budget.limit(10_000) == (1 << 20) + 640_000
    assert budget.limit(1 << 20) == 16 << 20  # the absolute bound wins for large inputs
    assert OutputBudget(max_bytes=0, ratio=0).limit(123) is None


def test_a_request_carries_its_limit_but_it_is_not_part_of_its_meaning():
    limited = HighlightRequest.from_fields({"code": "x"}, output_budget=OutputBudget())
    assert limited.output_limit == (1 << 20) + 64  # one byte of code
    assert limited == HighlightRequest.from_fields({"code": "x"})


# Up front


def test_per_line_options_that_make_the_output_huge_are_refused_before_highlighting():
    fields = {"code": "a\n" * 500_000, "options": AMPLIFYING}
    with pytest.raises(HighlightError) as info:
        HighlightRequest.from_fields(fields, output_budget=OutputBudget())
    error = info.value
    assert (error.code, error.status) == ("output_too_large", 422)
    assert "at least 181," in error.message and "at most 16,777,216 bytes" in error.message
    assert "linenos" in error.message  # says what to change


def test_the_up_front_bound_never_exceeds_the_real_size():
    """It is a lower bound, so refusing on it is never a mistake."""
    code = "<a href='x'>&amp;</a>\r\n\tif (x) { y = \"z\"; }\n\n  \n"
    option_sets = [
        {}, {"nowrap": True}, {"linenos": "inline"},
        {"linenos": "table", "anchorlinenos": True}, {"linenos": "table", "linenostep": 3, "anchorlinenos": True,
                                                      "linespans": "L"},
        {"lineanchors": "x", "linespans": "yy", "linenostart": 999_999_999},
        {**AMPLIFYING, "linenostep": 2}, {"stripall": True, "linenos": True}, {"noclasses": True, "lineanchors": "a"},
    ]
    for lexer, options, repeat in itertools.product(["html", "python", "text"], option_sets, [1, 7]):
        fields = {"code": code * repeat, "lexer": lexer, "options": options}
        output = highlight(HighlightRequest.from_fields(fields))["output"]
        assert minimum_output_bytes(fields["code"], "html", options) <= len(output.encode()), (lexer, options)
    for output_format in ("svg", "tokens", "latex", "rtf", "ansi", "bbcode"):
        fields = {"code": code * 7, "lexer": "html", "format": output_format}
        output = highlight(HighlightRequest.from_fields(fields))["output"]
        sent = json.dumps(output, ensure_ascii=False, separators=(",", ":")).encode()
        assert minimum_output_bytes(fields["code"], output_format, {}) <= len(sent), output_format


# While writing


def test_svg_tabs_are_counted_up_front():
    """SVG writes each space as &#160;, and a tab after a tab as eight of them."""
    error = refusal({"code": ("\t" * 16 + "x\n") * 40_000, "format": "svg"})
    assert error.code == "output_too_large" and "would be at least" in error.message


def test_an_output_that_passes_the_limit_is_stopped_while_it_is_written():
    """A tab after a letter may be one space or seven: only writing it tells."""
    error = refusal({"code": ("x\t" * 50 + "\n") * 1000, "format": "svg"}, OutputBudget(max_bytes=1 << 20, ratio=0))
    assert error.code == "output_too_large" and "stopped" in error.message


def test_the_limit_counts_the_output_as_the_json_sent():
    """Quotes and control characters grow when encoded as JSON: the encoded size counts."""
    code = "\x01" * 5000
    output = highlight(HighlightRequest.from_fields({"code": code, "format": "bbcode"}))["output"]
    assert len(output) < 6000 < len(json.dumps(output))
    error = refusal({"code": code, "format": "bbcode"}, OutputBudget(max_bytes=20_000, ratio=0))
    assert error.code == "output_too_large" and "as JSON" in error.message


def test_tokens_are_bounded_too():
    error = refusal({"code": "a b " * 100_000, "lexer": "python", "format": "tokens"}, OutputBudget(max_bytes=1 << 20, ratio=0))
    assert error.code == "output_too_large"


def test_a_small_input_may_not_ask_for_a_large_answer():
    """10 KB of newlines with every per-line extra: far under 16 MiB, far over 1 MiB + 64 x 10 KB."""
    error = refusal({"code": "x\n" * 5_000, "options": AMPLIFYING})
    assert error.code == "output_too_large"


def test_ordinary_requests_are_untouched():
    code = "def f(x):\n    return x  # 'quoted' <b>\n" * 2000
    budget = OutputBudget()
    for options in ({}, {"linenos": "table", "lineanchors": "L", "anchorlinenos": True}, {"linespans": "L"}):
        limited = highlight(HighlightRequest.from_fields({"code": code, "lexer": "python", "options": options},
                                                         output_budget=budget))
        assert limited == highlight(HighlightRequest.from_fields({"code": code, "lexer": "python", "options": options}))


def test_the_paste_sites_largest_snippet_still_highlights():
    """262,144 one-character lines with the paste site's options (linespans) fit the default."""
    fields = {"code": "x\n" * 262_144, "options": {"linespans": "L", "wrapcode": True, "stripnl": False}}
    result = highlight(HighlightRequest.from_fields(fields, output_budget=OutputBudget()))
    assert len(result["output"]) > 7_000_000


# Over HTTP


def test_the_api_refuses_the_amplification_with_a_clear_422(api):
    response = api.post("/api/highlight", json={"code": "a\n" * 300_000, "options": AMPLIFYING})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "output_too_large"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_legacy_fragment_is_bounded_too(app_with):
    api = app_with(HIGHLIGHT_MAX_OUTPUT_BYTES=50_000, HIGHLIGHT_MAX_OUTPUT_RATIO=0)
    response = api.post("/", data={"lang": "python", "code": "x = '<>'\n" * 5000})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "output_too_large"


def test_a_form_post_of_the_playground_is_bounded_alike(api):
    """The playground posts multipart forms with options.<name> fields."""
    response = api.post("/api/highlight", data={
        "code": "a\n" * 300_000, "options.linenos": "table", "options.linenostart": "100000000",
        "options.anchorlinenos": "on", "options.lineanchors": LONG})
    assert response.status_code == 422 and response.json["error"]["code"] == "output_too_large"


def test_the_limits_are_settings(app_with):
    tight = app_with(HIGHLIGHT_MAX_OUTPUT_BYTES=2000, HIGHLIGHT_MAX_OUTPUT_RATIO=0)
    assert tight.post("/api/highlight", json={"code": "x = 1\n" * 400}).status_code == 422
    assert tight.post("/api/highlight", json={"code": "x = 1\n"}).status_code == 200
    with pytest.raises(ConfigError, match="HIGHLIGHT_MAX_OUTPUT_BYTES"):
        app_with(HIGHLIGHT_MAX_OUTPUT_BYTES=-1)
