"""Readers' CSRF tokens, made as Django makes them with the randomness read at once.

Django's ``get_token`` draws each of a new visitor's 64 random characters (32 for the secret
its cookie keeps, 32 for the mask that hides it in the page) with a ``secrets.choice`` call of
its own. On a cached article, which is what most first visits from a search engine get, that
was a fifth of the answer's time. ``get_token`` here reads the operating system's random source
once per string and keeps the bytes that map evenly onto the alphabet, so every character is
as uniform and unpredictable as Django's. Everything else is Django's: the alphabet, the
lengths, the masking, and the two ``request.META`` keys by which ``CsrfViewMiddleware`` sets
the cookie and then checks the tokens posted back.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.functional import SimpleLazyObject

_ALPHABET = CSRF_ALLOWED_CHARS.encode()
_SIZE = len(_ALPHABET)
# Bytes from this one up would make the first characters likelier than the others: dropped.
_EVEN = 256 - 256 % _SIZE
_DROPPED = bytes(range(_EVEN, 256))
_CHARACTER = bytes(_ALPHABET[byte % _SIZE] for byte in range(256))
_POSITION = {character: index for index, character in enumerate(_ALPHABET)}


def _random_positions(length):
    """``length`` independent, uniform positions in the alphabet, as bytes below ``_EVEN``."""
    kept = b""
    while len(kept) < length:
        # A few bytes more than needed: each is dropped with a chance of 8 in 256.
        kept += secrets.token_bytes(length + 8).translate(None, _DROPPED)
    return kept[:length]


def new_secret():
    return _random_positions(CSRF_SECRET_LENGTH).translate(_CHARACTER).decode()


def masked(secret):
    """The token for a form: a new mask, then the secret shifted by it (Django's format). A
    secret of the wrong length gives a token Django refuses, as Django's own would."""
    mask = _random_positions(CSRF_SECRET_LENGTH)
    shifted = bytes(
        (_POSITION[character] + offset) % _SIZE
        for character, offset in zip(secret.encode(), mask, strict=False)
    )
    return (mask + shifted).translate(_CHARACTER).decode()


def get_token(request):
    """The token for this request's forms; as Django's, it makes the middleware set (or renew)
    the reader's CSRF cookie, with a new secret for a reader who has none."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = new_secret()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return masked(secret)


def csrf(request):
    """Context processor: ``{% csrf_token %}`` with the token above, made only if a template
    asks for it (it replaces Django's built-in one, listed after it)."""
    return {"csrf_token": SimpleLazyObject(lambda: get_token(request))}
