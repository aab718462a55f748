"""apps/textinput.py: how every app reads the text people send, as a table."""

import pytest

from apps import textinput
from tests.test_layout import FRAMEWORKS, ROOT, imported_modules

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        (b"hello\n", "hello\n"),
        ("h\u00e9llo \U0001f600\n".encode(), "h\u00e9llo \U0001f600\n"),
        (b"", ""),
        (BOM + b"hello\n", "hello\n"),  # Windows Notepad's byte-order mark is not text
        (BOM, ""),
        (BOM + BOM + b"x", "\ufeffx"),  # only the first one marks the encoding
        (b"a" + BOM + b"b", "a\ufeffb"),  # U+FEFF inside the text is a character
        (b"a\r\nb\rc\n", "a\r\nb\rc\n"),  # line breaks are kept as sent
    ],
)
def test_utf8_bytes_are_read_as_the_text_they_spell(sent, read):
    assert textinput.decode(sent, "field 'x'") == read


@pytest.mark.parametrize(
    ("sent", "code", "message"),
    [
        (b"caf\xe9\n", "invalid_utf8", "Field 'x' is not valid UTF-8 text (byte 0xe9 at offset 3); send text as UTF-8."),
        (b"\xed\xa0\x80", "invalid_utf8", "Field 'x' is not valid UTF-8 text (byte 0xed at offset 0); send text as UTF-8."),
        # the offset is in the bytes as sent, the dropped byte-order mark included
        (BOM + b"\xff", "invalid_utf8", "Field 'x' is not valid UTF-8 text (byte 0xff at offset 3); send text as UTF-8."),
        (BOM + b"caf\xe9", "invalid_utf8", "Field 'x' is not valid UTF-8 text (byte 0xe9 at offset 6); send text as UTF-8."),
        (b"a\x00b", "nul_byte", "Field 'x' contains a NUL byte (at character 1); only text is accepted."),
    ],
)
def test_bytes_that_are_not_text_are_refused_naming_the_field(sent, code, message):
    with pytest.raises(textinput.TextRefused) as refused:
        textinput.decode(sent, "field 'x'")
    assert (refused.value.code, refused.value.message, refused.value.status) == (code, message, 400)


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("a\ud800b", "invalid_unicode", "The title contains a lone surrogate (\\ud800 at character 1), which is "
                                        "not valid Unicode text; send surrogates only in pairs."),
        ("\udfff", "invalid_unicode", "The title contains a lone surrogate (\\udfff at character 0), which is "
                                      "not valid Unicode text; send surrogates only in pairs."),
        ("ab\x00", "nul_byte", "The title contains a NUL byte (at character 2); only text is accepted."),
    ],
)
def test_strings_that_are_not_text_are_refused_naming_the_field(text, code, message):
    with pytest.raises(textinput.TextRefused) as refused:
        textinput.check(text, "the title")
    assert (refused.value.code, refused.value.message) == (code, message)


def test_a_string_that_is_text_is_kept_as_it_is():
    text = "\ufeffa\r\n\U0001f600"
    assert textinput.check(text, "the title") is text


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"code": "a\ud800"}, "Field 'code'"),
        ({"options": {"title": "\x00"}}, "Field 'options.title'"),
        ({"options": {"hl_lines": ["1", "\ud83d"]}}, "Field 'options.hl_lines[1]'"),
        ({"a\ud800": 1}, "Field 'a\\ud800'"),  # a key is text too
        (["\x00"], "Field '[0]'"),
    ],
)
def test_every_string_in_parsed_json_is_checked_naming_its_path(value, named):
    with pytest.raises(textinput.TextRefused) as refused:
        textinput.check_strings(value)
    assert refused.value.message.startswith(named)


def test_json_nested_deeper_than_the_recursion_limit_is_walked():
    deep = ["\x00"]
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(textinput.TextRefused):
        textinput.check_strings(deep)


def test_a_textareas_crlf_is_read_as_the_line_breaks_typed():
    assert textinput.from_textarea("a\r\nb\r\n\r\nc") == "a\nb\n\nc"
    assert textinput.from_textarea("a\rb") == "a\rb"  # a lone CR is the text's own


@pytest.mark.parametrize(("sent", "read"), [
    *((word, True) for word in ("1", "true", "yes", "on", "TRUE", " true", "On\n")),
    *((word, False) for word in ("0", "false", "no", "off", "False", " no ")),
    *((word, None) for word in ("maybe", "2", "t", "y", "truee", "on off")),
])
def test_a_yes_no_option_is_one_of_the_same_words_in_any_case_with_white_space_around(sent, read):
    assert textinput.boolean_word(sent) is read


def test_a_blank_yes_no_option_is_what_the_caller_takes_a_blank_to_mean():
    assert textinput.boolean_word("") is None and textinput.boolean_word("  ") is None
    assert textinput.boolean_word(" ", empty=False) is False and textinput.boolean_word("", empty=True) is True


def test_a_long_field_name_is_shortened_in_messages():
    assert len(textinput.field("x" * 10_000)) < 80


@pytest.mark.parametrize("module", ["textinput.py", "errorcodes.py", "urlencoded.py"])
def test_the_shared_modules_import_no_framework_and_no_app(module):
    offenders = [
        name for _, name in imported_modules(ROOT / "apps" / module)
        if name.split(".")[0] in FRAMEWORKS or name.startswith("apps.")
    ]
    assert offenders == []


def test_a_json_text_field_loses_only_its_leading_byte_order_mark():
    assert textinput.without_bom("\ufeff\ufeffa\ufeff") == "\ufeffa\ufeff"
    assert textinput.without_bom("a") == "a"
