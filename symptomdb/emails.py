"""Sending the site's emails: absolute links, and a failure that is logged, never raised."""

import logging

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def absolute(path):
    """``path`` on the site's public address (``DJANGO_SITE_URL``), for links in emails."""
    return settings.SITE_URL + path


def send(subject, message, recipients, *, about):
    """Send one email; a broken mail server is logged and must not undo what caused it."""
    if not recipients:
        return
    try:
        send_mail(subject, message, None, recipients)
    except Exception:
        logger.exception("Could not send %r about %s", subject, about)
