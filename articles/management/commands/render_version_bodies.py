import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import PublishedVersion
from articles.versions import body_digest, render_body
from symptomdb.progress import ProgressBar

BATCH = 200


class Command(BaseCommand):
    help = (
        "Store anew the rendered text of every published version that a previous release's body "
        "template rendered (articles/includes/version_body.html). Until then such a version's "
        "page renders its text on each view: the same text, only slower. Run after a release "
        "that changed the template; it does nothing when every body is up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Render every version's text anew, up to date or not (after a change to code "
            "the template calls, if articles.versions.BODY_FORMAT was not raised with it).",
        )

    def handle(self, *args, **options):
        versions = PublishedVersion.objects.all()
        if not options["all"]:
            versions = versions.exclude(body_digest=body_digest())
        stale = list(versions.order_by("pk").values_list("pk", flat=True))
        bar = ProgressBar(sys.stderr, len(stale), "rendering")
        for start in range(0, len(stale), BATCH):
            batch = list(
                PublishedVersion.objects.without_search_columns()
                .without_page_body()  # about to be written, never read
                .filter(pk__in=stale[start : start + BATCH])
            )
            for version in batch:
                render_body(version)
            # The text stays as signed off: only its stored rendering changes.
            with transaction.atomic():
                PublishedVersion.objects.bulk_update(batch, ["body_html", "body_digest"])
            bar.update(start + len(batch))
        self.stdout.write(f"Rendered the text of {len(stale)} published version(s) anew.")
