"""Checking that the sources articles cite still answer: HEAD, then GET, with a short timeout.

Only http and https addresses on the public internet are requested: an address that resolves to
a private, loopback or link-local network is reported, not fetched (unless
``REFERENCE_CHECK_ALLOW_PRIVATE`` is on, for tests against a local server), and so is a redirect
to one. Each request names the site in its User-Agent.
"""

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

# Answers to HEAD that often mean "this server does not do HEAD", not "the page is gone".
RETRY_WITH_GET = {400, 403, 405, 406, 429, 500, 501, 502, 503}


@dataclass(frozen=True)
class LinkStatus:
    url: str
    broken: bool
    status_code: int | None = None
    error: str = ""


class PrivateAddressError(urllib.error.URLError):
    """The address is on a private network: not ours to request."""


def _check_host(url):
    if settings.REFERENCE_CHECK_ALLOW_PRIVATE:
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as error:
        raise urllib.error.URLError(f"unknown host {host!r}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise PrivateAddressError(f"{host} is a private network address")


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_host(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_GuardedRedirects)


def _request(url, method):
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s)
        url,
        method=method,
        headers={"User-Agent": f"SymptomDatabaseLinkChecker/1.0 (+{settings.SITE_URL})"},
    )
    with _opener.open(request, timeout=settings.REFERENCE_CHECK_TIMEOUT_SECONDS) as response:
        if method == "GET":
            response.read(1024)
        return response.status


def check_link(url):
    """Whether ``url`` answers: a 2xx or 3xx status is fine, a 4xx/5xx or no answer is broken."""
    if urlsplit(url).scheme not in {"http", "https"}:
        return LinkStatus(url, broken=True, error="not an http(s) address")
    try:
        _check_host(url)
        try:
            return LinkStatus(url, broken=False, status_code=_request(url, "HEAD"))
        except urllib.error.HTTPError as error:
            if error.code not in RETRY_WITH_GET:
                return LinkStatus(url, broken=True, status_code=error.code, error=str(error))
        return LinkStatus(url, broken=False, status_code=_request(url, "GET"))
    except PrivateAddressError as error:
        return LinkStatus(url, broken=False, error=f"not checked: {error.reason}")
    except urllib.error.HTTPError as error:
        return LinkStatus(url, broken=True, status_code=error.code, error=str(error))
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return LinkStatus(url, broken=True, error="no answer in time (timeout)")
        return LinkStatus(url, broken=True, error=f"no answer: {reason}")
