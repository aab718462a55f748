"""Host: the diff viewer answers only the site's allowed hosts, and redirects stay relative.

Inside the composite the site checks Host at its door; these tests use the diff viewer alone,
as it runs deployed apart (ALLOWED_HOSTS comes from config/test_settings.py).
"""

import pytest
from werkzeug.test import Client


@pytest.mark.parametrize("path", ["/", "/compare?left=a&right=b", "/_health", "/api/diff"])
def test_a_host_the_site_does_not_answer_to_is_a_clear_400(standalone, path):
    response = standalone.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "does not answer to the host name 'evil.example'" in response.get_data(as_text=True)
    assert "Location" not in response.headers


def test_the_api_refuses_a_bad_host_in_json(standalone):
    response = standalone.post("/api/diff", json={"left": "a", "right": "b"}, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_host"


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "example.com", "127.0.0.1:5002"])
def test_allowed_hosts_with_any_port_are_served(standalone, host):
    assert standalone.get("/_health", headers={"Host": host}).status_code == 200


def test_malformed_hosts_are_refused(standalone):
    for host in ("local host", "localhost:99999", "localhost:x", ""):
        assert standalone.get("/_health", headers={"Host": host}).status_code == 400, host


def test_no_allowed_hosts_means_no_host_outside_debug(make_app, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "")
    monkeypatch.setenv("DEBUG", "false")
    assert Client(make_app()).get("/_health").status_code == 400
    assert Client(make_app(debug=True)).get("/_health", headers={"Host": "localhost"}).status_code == 200


def test_a_star_allows_any_well_formed_host(make_app, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "*")
    client = Client(make_app())
    assert client.get("/_health", headers={"Host": "anything.example"}).status_code == 200
    assert client.get("/_health", headers={"Host": "bad host"}).status_code == 400


def test_redirects_are_relative(standalone):
    """The one redirect the router makes: the mount point without its slash (``/diff`` -> ``/diff/``)."""
    response = standalone.get("", environ_overrides={"SCRIPT_NAME": "/diff", "PATH_INFO": "", "QUERY_STRING": "a=1"},
                              headers={"Host": "localhost"})
    assert response.status_code == 308
    assert response.headers["Location"] == "/diff/?a=1"


def test_a_doubled_slash_is_served_not_redirected_elsewhere(client):
    response = client.get("/diff//_health")
    assert response.status_code == 200 and "Location" not in response.headers
