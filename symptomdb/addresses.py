"""Who is asking, without storing who they are: client addresses reduced to keyed hashes.

Rate limits (ratings per author per day, comments per ten minutes) count rows by this hash, so
they hold across every app server; the raw address is never stored.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def _trusted_networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(address):
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def _as_client(address):
    """``address`` parsed, an IPv4 client reaching an IPv6 socket (``::ffff:1.2.3.4``) as its
    IPv4 address; None when it is not an address."""
    parsed = _parse(address)
    mapped = getattr(parsed, "ipv4_mapped", None)
    return mapped or parsed


def is_trusted_proxy(address):
    """Whether ``address`` is one of ``TRUSTED_PROXIES`` (addresses or networks)."""
    parsed = _parse(address)
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return parsed is not None and any(parsed in network for network in networks)


def client_address(request):
    """The client's address: REMOTE_ADDR, unless the request came through a trusted proxy.

    Only a connection from one of ``TRUSTED_PROXIES`` may report the client in
    X-Forwarded-For; each proxy appends the address it saw, so the client is the rightmost
    address that is not itself a trusted proxy. Anything to its left was written by the client
    and is ignored. A request straight to the app port keeps its own address whatever headers
    it sends.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    forwarded = request.headers.get("x-forwarded-for", "").split(",")
    for part in reversed(forwarded):
        parsed = _parse(part)
        if parsed is None:
            break  # not written by a proxy of ours: stop trusting the header here
        if not is_trusted_proxy(str(parsed)):
            return str(parsed)
    return remote


def address_hash(address):
    """A keyed SHA-256 of ``address``: equal for equal addresses, useless without the key."""
    key = (settings.ADDRESS_HASH_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def request_address_hash(request):
    return address_hash(one_client(client_address(request)))


# An IPv6 subscriber is given a /64 at least: any address in it is the same client, who could
# otherwise take a fresh address for every request and never meet a limit.
IPV6_CLIENT_BITS = 64


def one_client(address):
    """``address`` as one client: an IPv4 address itself, an IPv6 address its /64."""
    parsed = _as_client(address)
    if parsed is None:
        return address
    if parsed.version == 4:
        return str(parsed)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_BITS}", strict=False))


def sign_in_address(request):
    """Who is signing in, for the sign-in lockout (django-axes): the client's address, an IPv6
    client's /64 as its first address (axes stores an address, not a network)."""
    client = one_client(client_address(request))
    network = _parse(client.partition("/")[0]) if "/" in client else None
    return str(network) if network is not None else client


# A household or office shares one address; a person or a script with many shares a network.
IPV4_NETWORK_BITS = 24
IPV6_NETWORK_BITS = 56


def network_of(address):
    """The network ``address`` belongs to (its /24 or /56), as text; the address itself when it
    is not an IP address (tests, unusual servers)."""
    parsed = _as_client(address)
    if parsed is None:
        return address
    bits = IPV4_NETWORK_BITS if parsed.version == 4 else IPV6_NETWORK_BITS
    return str(ipaddress.ip_network(f"{parsed}/{bits}", strict=False))


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as keyed hashes only: the address and its network."""

    address_hash: str
    network_hash: str


def origin_of(address):
    return Origin(address_hash(one_client(address)), address_hash(network_of(address)))


def request_origin(request):
    return origin_of(client_address(request))
