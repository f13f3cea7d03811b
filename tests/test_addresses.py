"""Client addresses are reduced to keyed hashes; proxies are trusted only when configured."""

from django.test import RequestFactory, override_settings

from symptomdb.addresses import address_hash, client_address


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_header_is_ignored_without_trusted_proxies():
    assert client_address(request_from("10.0.0.9", "1.2.3.4")) == "10.0.0.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_last_forwarded_address_is_the_client():
    assert client_address(request_from("10.0.0.9", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"


def test_hash_is_stable_keyed_and_hides_the_address():
    digest = address_hash("203.0.113.7")
    assert digest == address_hash("203.0.113.7")
    assert digest != address_hash("203.0.113.8")
    assert "203.0.113.7" not in digest
    with override_settings(ADDRESS_HASH_KEY="another key"):
        assert address_hash("203.0.113.7") != digest
