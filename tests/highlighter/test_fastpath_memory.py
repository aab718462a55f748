"""The fast path's memory: at most ``fastpath.MAX_ENTRIES`` requests, least recently used out."""

from apps.highlighter import fastpath


def test_it_remembers_at_most_max_entries_requests_the_least_recently_used_forgotten(app_with, monkeypatch):
    monkeypatch.setattr(fastpath, "MAX_ENTRIES", 2)
    api = app_with()
    fast = api.client.application.extensions["highlighter.fastpath"]
    through_flask = []
    flask = fast.wsgi_app

    def counted(environ, start_response):
        through_flask.append(environ["CONTENT_LENGTH"])
        return flask(environ, start_response)

    monkeypatch.setattr(fast, "wsgi_app", counted)
    requests = [{"code": f"x = {n}", "lexer": "python"} for n in range(3)]
    for n in (0, 1, 0, 2):  # the repeat of 0 makes 1 the least recently used; 2 pushes it out
        assert api.post("/api/highlight", json=requests[n]).status_code == 200
    assert len(fast.keys) == 2 and len(through_flask) == 3
    assert api.post("/api/highlight", json=requests[0]).status_code == 200
    assert len(through_flask) == 3  # still remembered: answered before Flask
    assert api.post("/api/highlight", json=requests[1]).status_code == 200
    assert len(through_flask) == 4  # forgotten: through Flask (and its result cache) again
