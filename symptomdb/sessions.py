"""Staff sessions end after ``ADMIN_IDLE_MINUTES`` without a request.

A staff member who walks away from a shared computer leaves the admin open only that long: the
next request after the idle time signs them out and asks them to sign in again. The time of the
last request is kept in the session: set when they sign in, then written at most once a minute.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.urls import reverse

LAST_SEEN_KEY = "staff_last_seen"
WRITE_EVERY_SECONDS = 60


def start_idle_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = time.time()


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            user = getattr(request, "user", None)
            is_staff = user is not None and user.is_authenticated and user.is_staff
        except (OperationalError, InterfaceError):
            # The session cannot be read: the view's own database error answers 503
            # (symptomdb.health.DatabaseUnavailableMiddleware).
            is_staff = False
        if is_staff:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle = settings.ADMIN_IDLE_MINUTES * 60
            if isinstance(last_seen, int | float) and now - last_seen > idle:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.ADMIN_IDLE_MINUTES} minutes without "
                    "activity. Please sign in again.",
                )
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not isinstance(last_seen, int | float) or now - last_seen > WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
