"""Streamed pages: early template failures reach the caller, later ones are logged and cut short."""

import pytest
from genshi.template import MarkupTemplate
from werkzeug.routing import Map

from apps.diffviewer.templating import PageAborted, Templates

PAGE = """<html xmlns:py="http://genshi.edgewall.org/"><body>
  <p py:for="i in range(rows)">row ${i} ${'x' * 40}</p><p>${fail()}</p>
</body></html>"""


def fail():
    raise RuntimeError("secret internals")


@pytest.fixture
def templates():
    templates = Templates()
    templates.loader.load = lambda name: MarkupTemplate(PAGE)
    return templates


def render(templates, rows):
    return templates.response("test.html", urls=Map().bind("localhost"), rows=rows, fail=fail)


def test_a_failure_before_the_first_bytes_raises_in_the_caller(templates):
    """So the app can still answer with its 500 page."""
    with pytest.raises(RuntimeError):
        render(templates, rows=1)


def test_a_failure_after_the_first_bytes_is_logged_and_cuts_the_page_short(templates, caplog):
    """The status has left already: the failure is logged and the connection dropped, not hidden."""
    chunks = iter(render(templates, rows=2000).response)
    assert next(chunks).startswith(b"<!DOCTYPE html>")
    with pytest.raises(PageAborted) as aborted:
        list(chunks)
    assert "secret" not in str(aborted.value)
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is RuntimeError and "test.html" in record.getMessage()
