from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class SymptomdbConfig(AppConfig):
    """The project's own cross-cutting models: outgoing emails, once-only task keys, browser
    security reports."""

    name = "symptomdb"
    verbose_name = "Site operations"

    def ready(self):
        from .sessions import start_idle_clock

        # Signing in starts the idle clock (symptomdb.sessions), in the session it creates.
        user_logged_in.connect(start_idle_clock, dispatch_uid="symptomdb.start_idle_clock")
