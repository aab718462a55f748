"""Reporting a snippet: a "report" link on its page, a small form, and ``POST /api/snippets/<id>/report``.

A report is stored for the admins' queue with its reason and text, never with the reporter's
address; it reads nothing of the snippet, so a burn-after-reading snippet stays unread.
"""

import pytest

from apps.snippets.models import REPORT_TEXT_CHARS, Report, Snippet
from composite.ratelimit import Classifier

pytestmark = pytest.mark.django_db


def report_api(client, snippet_id, **fields):
    return client.post(f"/api/snippets/{snippet_id}/report", json=fields)


def test_every_snippet_page_has_a_report_link_to_its_form(client, paste):
    snippet = paste("x = 1\n")
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert f'href="/s/{snippet["id"]}/report"' in page
    form = client.get(f"/s/{snippet['id']}/report")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    for reason in ("spam", "malware", "personal", "copyright", "illegal", "other"):
        assert f'value="{reason}"' in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_the_form_stores_a_report_and_thanks_the_reporter(client, post_form, paste):
    snippet = paste("buy cheap pills\n")
    response = post_form(f"/s/{snippet['id']}/report", reason="spam", text="  an advert  ")
    assert response.status_code == 200
    assert "Your report was sent" in response.get_data(as_text=True)
    report = Report.objects.get()
    assert (report.snippet_id, report.reason, report.text, report.status) == (snippet["id"], "spam", "an advert", "open")


def test_the_form_needs_its_csrf_token(client, paste):
    snippet = paste()
    client.get(f"/s/{snippet['id']}/report")  # the CSRF cookie is set, but the token is not sent
    response = client.post(f"/s/{snippet['id']}/report", data={"reason": "spam"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_the_form_says_what_is_missing(client, post_form, paste):
    snippet = paste()
    no_reason = post_form(f"/s/{snippet['id']}/report", text="hm")
    assert no_reason.status_code == 400 and "This field is required" in no_reason.get_data(as_text=True)
    other_without_words = post_form(f"/s/{snippet['id']}/report", reason="other", text=" ")
    assert other_without_words.status_code == 400
    assert "Say what is wrong with it" in other_without_words.get_data(as_text=True)
    assert not Report.objects.exists()


def test_the_api_answers_201_with_the_reports_id(client, paste):
    snippet = paste()
    response = report_api(client, snippet["id"], reason="malware", text="steals cookies")
    assert response.status_code == 201
    body = response.get_json()
    report = Report.objects.get()
    assert body == {"id": report.pk, "snippet": snippet["id"], "reason": "malware", "status": "open"}
    assert report.text == "steals cookies"


def test_the_api_takes_a_form_body_too(client, paste):
    snippet = paste()
    response = client.post(f"/api/snippets/{snippet['id']}/report", data={"reason": "copyright"})
    assert response.status_code == 201
    assert Report.objects.get().reason == "copyright"


@pytest.mark.parametrize(
    "fields, says",
    [
        ({}, "reason: This field is required."),
        ({"reason": "boring"}, "reason: Select a valid choice."),
        ({"reason": "other"}, "Say what is wrong with it"),
        ({"reason": "spam", "text": "x" * (REPORT_TEXT_CHARS + 1)}, "at most 2000 characters"),
        ({"reason": ["spam"]}, "reason and text must be strings"),
    ],
)
def test_the_api_refuses_a_bad_report_with_a_clear_json_error(client, paste, fields, says):
    snippet = paste()
    response = report_api(client, snippet["id"], **fields)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] in ("invalid_report", "bad_request")
    assert says in error["message"]
    assert not Report.objects.exists()


def test_the_api_refuses_bodies_that_are_not_a_json_object(client, paste):
    snippet = paste()
    for body in ("[1]", "{", "\xff"):
        response = client.post(f"/api/snippets/{snippet['id']}/report", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "bad_request"
    huge = client.post(f"/api/snippets/{snippet['id']}/report", json={"reason": "spam", "text": "x" * 20_000})
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "too_large"


def test_unknown_snippets_are_404_and_only_post_is_allowed(client, paste):
    assert report_api(client, "nosuchsnippet", reason="spam").get_json()["error"]["code"] == "not_found"
    assert client.get("/s/nosuchsnippet/report").status_code == 404
    snippet = paste()
    response = client.get(f"/api/snippets/{snippet['id']}/report")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_a_burn_after_reading_snippet_is_reported_without_being_read(client, post_form, paste):
    snippet = paste("the secret\n", title="Secret title", burn="1")
    form = client.get(f"/s/{snippet['id']}/report").get_data(as_text=True)
    assert "Secret title" not in form and "the secret" not in form
    assert post_form(f"/s/{snippet['id']}/report", reason="personal").status_code == 200
    assert report_api(client, snippet["id"], reason="personal").status_code == 201
    assert Report.objects.filter(snippet_id=snippet["id"]).count() == 2
    assert Snippet.objects.get(pk=snippet["id"]).content == "the secret\n"  # still unread
    assert client.post(f"/s/{snippet['id']}/raw").get_data(as_text=True) == "the secret\n"  # its one reading


def test_the_reporter_is_kept_as_a_digest_that_only_tells_reporters_apart(client, paste):
    first, second = paste("a\n"), paste("b\n")
    for snippet_id, address in ((first["id"], "192.0.2.1"), (first["id"], "192.0.2.1"), (first["id"], "192.0.2.2"),
                                (second["id"], "192.0.2.1")):
        response = client.post(f"/api/snippets/{snippet_id}/report", json={"reason": "spam"},
                               environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 201
    digests = list(Report.objects.order_by("pk").values_list("reporter", flat=True))
    assert digests[0] == digests[1] != digests[2]  # one person twice, and another
    assert digests[3] != digests[0]  # the same person about another snippet cannot be linked
    assert not any("192.0.2" in digest for digest in digests)


def test_reports_are_writes_in_the_sites_rate_limits():
    """The composite's limiter counts every POST to the paste site against the writes budget."""
    classify = Classifier({"snippets": "", "highlighter": "/highlight", "diffviewer": "/diff"})
    assert classify("POST", "/api/snippets/abc/report") == "writes"
    assert classify("POST", "/s/abc/report") == "writes"
    assert classify("GET", "/s/abc/report") == "reads"


def test_a_cross_site_report_is_refused(client, paste):
    snippet = paste()
    response = client.post(f"/api/snippets/{snippet['id']}/report", json={"reason": "spam"},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "cross_site"
    assert not Report.objects.exists()


def test_expired_snippets_cannot_be_reported(client, paste):
    snippet = paste()
    Snippet.objects.filter(pk=snippet["id"]).update(expires_at="2000-01-01T00:00:00Z")
    assert report_api(client, snippet["id"], reason="spam").status_code == 410
    assert client.get(f"/s/{snippet['id']}/report").status_code == 410



@pytest.mark.parametrize(
    ("kwargs", "code", "says"),
    [
        ({"json": {"reason": "spam", "text": "a\x00b"}}, "nul_byte", "The text contains a NUL byte"),
        ({"json": {"reason": "spam", "text": "a\ud800"}}, "invalid_unicode", "The text contains a lone surrogate"),
        ({"data": b"reason=spam&text=caf%E9", "content_type": "application/x-www-form-urlencoded"},
         "invalid_utf8", "The text is not valid UTF-8 text"),
    ],
)
def test_a_reports_text_is_read_as_every_app_reads_text(client, paste, kwargs, code, says):
    """Not Django's lenient decoding: the rule of apps/textinput.py, as for a snippet."""
    snippet = paste()
    response = client.post(f"/api/snippets/{snippet['id']}/report", **kwargs)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code and says in response.get_json()["error"]["message"]
    assert not Report.objects.exists()
