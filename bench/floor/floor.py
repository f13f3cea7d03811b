"""Django's floor: a one-view Django app that answers the article page's HTML as constant bytes.

Served by gunicorn with the same settings as the site, it is the fastest a Django page can be on
this machine; the benchmark reports the site's pages as a ratio to it (bench/run.py).
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

with open(os.environ["FLOOR_BODY"], "rb") as body_file:
    BODY = body_file.read()

settings.configure(
    DEBUG=False,
    SECRET_KEY="the-floor-app-has-no-secrets-and-no-forms-0123456789",  # noqa: S106
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["*"],
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def page(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]
application = get_wsgi_application()
