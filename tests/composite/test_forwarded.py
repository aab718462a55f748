"""Proxy headers: honoured once, only from a proxy's address, and only with a web scheme."""

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from composite.forwarded import ForwardedHeaders, check_peers, peer_rule


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "100.64.0.1", "fdaa:0:1::3", "::ffff:10.0.0.1",
     "169.254.1.1"],
)
def test_private_peers_are_proxies(address):
    """Where a PaaS router, a load balancer in the same network or a local reverse proxy connects from."""
    assert peer_rule("private")(address)


@pytest.mark.parametrize("address", ["", None])
def test_a_unix_socket_peer_is_on_this_host(address):
    assert peer_rule("private")(address)
    assert not peer_rule("10.0.0.0/8")(address)


@pytest.mark.parametrize("address", ["198.51.100.4", "8.8.8.8", "2001:4860::1", "garbage", "10.0.0.1.5"])
def test_public_and_unreadable_peers_are_not(address):
    assert not peer_rule("private")(address)


def test_peers_can_be_named_as_networks_or_anyone():
    rule = peer_rule("198.51.100.0/24, 2001:db8::/32")
    assert rule("198.51.100.9") and rule("2001:db8::5")
    assert not rule("127.0.0.1")
    assert peer_rule("*")("8.8.8.8")


def test_a_bad_peer_list_is_refused():
    with pytest.raises(ValueError):
        check_peers("private, not-a-network")


def echo(environ, start_response):
    request = Request(environ)
    return Response(f"{request.scheme} {request.host} {request.remote_addr}")(environ, start_response)


def seen(headers, remote_addr="10.0.0.2", hops=1, peers="private"):
    client = Client(ForwardedHeaders(echo, hops, peers))
    return client.get("/", headers=headers, environ_base={"REMOTE_ADDR": remote_addr}).get_data(as_text=True)


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "paste.example", "X-Forwarded-For": "192.0.2.4"}


def test_a_proxys_headers_are_applied():
    assert seen(FORWARDED) == "https paste.example 192.0.2.4"


def test_a_public_clients_headers_are_ignored():
    """The site exposed directly: nobody picks the scheme, host or address we see."""
    assert seen(FORWARDED, remote_addr="198.51.100.9") == "http localhost 198.51.100.9"


def test_no_hops_means_no_headers_at_all():
    assert seen(FORWARDED, hops=0) == "http localhost 10.0.0.2"


@pytest.mark.parametrize("scheme", ["javascript", "data", "ftp", "", "https, javascript", "h" * 5000, "é"])
def test_a_scheme_other_than_http_or_https_is_ignored(scheme):
    assert seen({"X-Forwarded-Proto": scheme}).split()[0] == "http"


@pytest.mark.parametrize("client", ["not an address", "<script>", "", "10.0.0.1:1234", "f" * 5000])
def test_a_forwarded_client_that_is_not_an_address_is_ignored(client):
    assert seen({"X-Forwarded-For": client}).split()[2] == "10.0.0.2"


def test_a_forwarded_ipv6_client_is_taken():
    assert seen({"X-Forwarded-For": "2001:db8::7"}).split()[2] == "2001:db8::7"


def test_a_scheme_in_capitals_is_still_https():
    assert seen({"X-Forwarded-Proto": "HTTPS"}).split()[0] == "https"


def test_a_bad_peer_list_or_no_allowed_host_stops_the_site_at_start_up():
    from composite.settings import CompositeSettings
    from apps.environment import ConfigError

    with pytest.raises(ConfigError, match="PROXY_PEERS='private, nonsense'"):
        CompositeSettings(proxy_peers="private, nonsense", allowed_hosts=("localhost",)).check()
    with pytest.raises(ConfigError, match="ALLOWED_HOSTS='': expected the site's host names"):
        CompositeSettings(allowed_hosts=()).check()
