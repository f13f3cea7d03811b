"""Who is asking, without storing who they are: client addresses reduced to keyed hashes.

Rate limits (ratings per author per day, comments per ten minutes) count rows by this hash, so
they hold across every app server; the raw address is never stored.
"""

import hashlib
import hmac

from django.conf import settings


def client_address(request):
    """The client's address: REMOTE_ADDR, or the proxy-reported one behind trusted proxies.

    With ``TRUSTED_PROXY_COUNT`` = N > 0, the N-th address from the right of
    X-Forwarded-For is the client (each trusted proxy appends the address it saw).
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def address_hash(address):
    """A keyed SHA-256 of ``address``: equal for equal addresses, useless without the key."""
    key = (settings.ADDRESS_HASH_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def request_address_hash(request):
    return address_hash(client_address(request))
