"""The Host check at the composite's door: Django's ALLOWED_HOSTS names, and only usual ports."""

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from composite.hosts import HostCheck, HostPolicy

POLICY = HostPolicy.from_names(["paste.example", ".corp.example", "alt.example:8443", "[::1]"], bound_port="8000")


@pytest.mark.parametrize(
    "host, scheme",
    [
        ("paste.example", "http"),
        ("PASTE.example", "https"),  # names are case-insensitive
        ("paste.example.", "https"),  # a fully qualified name's trailing dot
        ("paste.example:80", "http"),  # the scheme's default port
        ("paste.example:443", "https"),
        ("paste.example:8000", "http"),  # the port this server binds
        ("corp.example", "https"),  # a leading dot: the domain itself...
        ("a.b.corp.example", "https"),  # ...and every subdomain
        ("alt.example:8443", "https"),  # a port written in the entry
        ("[::1]", "http"),
        ("[::1]:8000", "http"),
    ],
)
def test_allowed_hosts_and_ports(host, scheme):
    assert POLICY.allows(host, scheme)


@pytest.mark.parametrize(
    "host, scheme",
    [
        ("evil.example", "http"),
        ("paste.example.evil.example", "http"),
        ("evilcorp.example", "http"),  # ".corp.example" is a domain, not a suffix of letters
        ("paste.example:6666", "http"),  # any other port
        ("paste.example:443", "http"),  # the other scheme's default port
        ("alt.example", "https"),  # an entry with a port allows that port only
        ("alt.example:8000", "https"),
        ("paste.example:99999", "http"),
        ("paste.example:0", "http"),
        ("paste.example:abc", "http"),
        ("paste.example:", "http"),
        ("", "http"),
        ("paste.example@evil.example", "http"),
        ("paste.example/evil", "http"),
        ("paste_example", "http"),
        ("pâste.example", "http"),
        ("x" * 10_000, "http"),
        ("10.0.0.7", "http"),
        ("[::2]", "http"),
    ],
)
def test_refused_hosts_and_ports(host, scheme):
    assert not POLICY.allows(host, scheme)


def test_a_star_allows_any_name_but_still_only_the_usual_ports():
    policy = HostPolicy.from_names(["*"], bound_port="8000")
    assert policy.allows("anything.example", "https") and policy.allows("10.0.0.7:8000", "http")
    assert not policy.allows("anything.example:6666", "http")


@pytest.mark.parametrize(
    "names, own",
    [
        (["paste.example", "*"], "paste.example"),
        ([".herokuapp.com"], "herokuapp.com"),
        (["alt.example:8443"], "alt.example:8443"),
        (["*"], "localhost"),
    ],
)
def test_the_sites_own_host_is_the_first_plain_name_listed(names, own):
    policy = HostPolicy.from_names(names)
    assert policy.own_host() == own
    assert own == "localhost" or policy.allows(own, "http")


def hello(environ, start_response):
    return Response("hello")(environ, start_response)


@pytest.fixture
def guarded():
    return Client(HostCheck(hello, POLICY))


def test_an_allowed_host_reaches_the_app(guarded):
    assert guarded.get("/", headers={"Host": "paste.example"}).get_data(as_text=True) == "hello"


def test_another_host_gets_a_400_that_says_why_and_is_never_cached(guarded):
    response = guarded.get("/s/abc", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "does not answer to the host name 'evil.example'" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Location" not in response.headers


def test_an_api_gets_the_refusal_as_json(guarded):
    response = guarded.post("/highlight/api/highlight", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_host"


def test_a_request_without_host_is_judged_by_the_servers_name_and_port(guarded):
    environ = {"SERVER_NAME": "paste.example", "SERVER_PORT": "8000"}
    assert guarded.get("/", headers={"Host": ""}, environ_overrides=environ).status_code == 200
    environ = {"SERVER_NAME": "0.0.0.0", "SERVER_PORT": "8000"}
    assert guarded.get("/", headers={"Host": ""}, environ_overrides=environ).status_code == 400


def test_healthz_answers_whatever_the_host(guarded):
    """A load balancer probes by the instance's address."""
    assert guarded.get("/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200
