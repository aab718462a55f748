"""apps/formparts.py: a multipart body's fields as the bytes sent, by Werkzeug's own parser."""

import io

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from apps import formparts


def body(*parts):
    chunks = []
    for name, data, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        chunks.append(b"--B\r\nContent-Disposition: " + disposition.encode() + b"\r\n\r\n" + data + b"\r\n")
    return io.BytesIO(b"".join(chunks) + b"--B--\r\n")


def test_text_fields_come_back_as_the_bytes_sent_and_files_with_their_names_in_order():
    stream = body(("code", b"caf\xe9 \xff", None), ("x", "é".encode(), None), ("file", b"\x00\x01", "a.bin"),
                  ("x", b"again", None), ("empty", b"", ""))
    fields, files = formparts.parse(stream, b"B", max_parts=10)
    assert fields == [("code", b"caf\xe9 \xff"), ("x", "é".encode()), ("x", b"again")]
    assert files == [("file", "a.bin", b"\x00\x01"), ("empty", "", b"")]


def test_a_declared_charset_does_not_change_the_bytes():
    stream = io.BytesIO(b'--B\r\nContent-Disposition: form-data; name="t"\r\nContent-Type: text/plain; charset=utf-8\r\n'
                        b"\r\n\xff\r\n--B--\r\n")
    assert formparts.parse(stream, b"B", max_parts=10)[0] == [("t", b"\xff")]


def test_limits_are_werkzeugs_413s_and_a_broken_body_is_a_value_error():
    with pytest.raises(RequestEntityTooLarge):
        formparts.parse(body(*[(f"f{i}", b"x", None) for i in range(5)]), b"B", max_parts=3)
    with pytest.raises(RequestEntityTooLarge):
        formparts.parse(body(("f", b"x" * 100, None)), b"B", max_parts=3, max_field_bytes=10)
    with pytest.raises(ValueError):
        formparts.parse(io.BytesIO(b'--B\r\nContent-Disposition: form-data; name="t"\r\n\r\nno end'), b"B", max_parts=3)
