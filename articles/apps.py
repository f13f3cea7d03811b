from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_page_generation_triggers(sender, using, **kwargs):
    """Recreate the page cache's triggers after every ``migrate`` (a rebuilt SQLite table has
    lost them). Idempotent and quick."""
    from django.db import connections

    from .page_generation import ensure_triggers

    ensure_triggers(connections[using])


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        post_migrate.connect(
            ensure_page_generation_triggers,
            sender=self,
            dispatch_uid="articles.ensure_page_generation_triggers",
        )
