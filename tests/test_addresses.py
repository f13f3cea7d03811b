"""Client addresses are reduced to keyed hashes; X-Forwarded-For counts only when a trusted
proxy sent the request, so a client talking to the app port directly cannot pick its address."""

import pytest
from django.test import RequestFactory, override_settings

from symptomdb.addresses import address_hash, client_address, origin_of
from tests.processes import run_python


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_header_is_ignored_without_trusted_proxies():
    assert client_address(request_from("10.0.0.9", "1.2.3.4")) == "10.0.0.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client():
    assert client_address(request_from("127.0.0.1", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_client_reaching_the_app_port_directly_cannot_forge_its_address():
    assert client_address(request_from("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "::1"])
def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    forged_then_real = "6.6.6.6, 198.51.100.7, 10.0.0.4"
    assert client_address(request_from("10.0.0.3", forged_then_real)) == "198.51.100.7"
    assert client_address(request_from("::1", "2001:db8::5")) == "2001:db8::5"
    # Garbage where a proxy would have written an address: the header is not believed.
    assert client_address(request_from("10.0.0.3", "1.2.3.4, not-an-address")) == "10.0.0.3"
    assert client_address(request_from("10.0.0.3")) == "10.0.0.3"


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start():
    result = run_python(
        "import django; django.setup()", DJANGO_TRUSTED_PROXIES="127.0.0.1,proxy.internal"
    )
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES: 'proxy.internal' is not an address or network." in (
        result.stderr
    )


@pytest.mark.parametrize("address", ["203.0.113.7", "2001:db8::7"])
def test_hash_is_stable_keyed_and_hides_the_address(address):
    digest = address_hash(address)
    assert digest == address_hash(address)
    assert digest != address_hash(address.replace("7", "8"))
    assert address not in digest
    with override_settings(ADDRESS_HASH_KEY="another key"):
        assert address_hash(address) != digest


def test_an_ipv4_client_on_an_ipv6_socket_is_its_ipv4_address():
    """Not one of the /64 "::": every IPv4 reader would share one limit."""
    assert origin_of("::ffff:203.0.113.7") == origin_of("203.0.113.7")
    assert (
        origin_of("::ffff:203.0.113.7").address_hash != origin_of("::ffff:203.0.113.8").address_hash
    )
    assert origin_of("::ffff:203.0.113.7").network_hash == origin_of("203.0.113.99").network_hash


def test_an_ipv6_client_is_its_64():
    assert origin_of("2001:db8:1:2::1") == origin_of("2001:db8:1:2:ffff::9")
    assert origin_of("2001:db8:1:2::1").address_hash != origin_of("2001:db8:1:3::1").address_hash
