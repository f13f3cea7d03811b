"""The comments' periodic job (``BACKGROUND_JOBS``)."""

from django.tasks import task

from . import privacy


@task()
def prune_moderation_data():
    """Daily: delete what the retention period no longer allows us to keep."""
    return privacy.prune_moderation_data()
