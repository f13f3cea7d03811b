"""WSGI entry point, used by gunicorn in production."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "symptomdb.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models and settings) lives as long as the
# process. Frozen, it is left out of the collector's full passes, which otherwise walk all of it
# every few hundred requests: about 60 ms each, on whichever request triggers one
# (bench/profile_page.py with gc.callbacks timing the collections).
gc.freeze()
