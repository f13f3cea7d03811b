from django.apps import AppConfig


class SymptomdbConfig(AppConfig):
    """The project's own cross-cutting models: outgoing emails and once-only task keys."""

    name = "symptomdb"
    verbose_name = "Site operations"
