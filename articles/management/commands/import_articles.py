import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import workflow
from articles.importer import ArticleFileError, import_article, parse_article, read_article_file
from authors.models import Author
from symptomdb.progress import ProgressBar

PROGRESS_AFTER = 20  # files: more show a progress bar on a terminal


class Command(BaseCommand):
    help = (
        "Import articles written in the plain-text layout of the seed article into their working "
        "copies (new drafts, or draft revisions of live articles), each file in its own "
        "transaction. Readers see nothing of it until it is published: with --publish, through "
        "the editorial workflow, signed off by --reviewer and published by --editor."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the parsed structure as JSON and write nothing.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Submit, sign off and publish each imported article that changed "
            "(needs --reviewer, --editor and --note).",
        )
        parser.add_argument(
            "--reviewer", metavar="AUTHOR_SLUG", help="The clinician who reviewed the text."
        )
        parser.add_argument(
            "--editor", metavar="USERNAME", help="The editor account that signs off and publishes."
        )
        parser.add_argument("--note", help='The "What changed" line readers see.')

    def handle(self, *args, files, dry_run, publish, reviewer, editor, note, **options):
        publisher = self.publisher(reviewer, editor, note) if publish and not dry_run else None
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        parsed_articles = []
        # A long run on a terminal shows a bar instead of a line per file (errors still show).
        bar = ProgressBar(sys.stderr, len(files), "importing")
        quiet = bar.terminal and len(files) > PROGRESS_AFTER and options["verbosity"] < 2
        for done, name in enumerate(files, start=1):
            if quiet:
                bar.update(done)
            try:
                parsed = parse_article(read_article_file(Path(name)))
                if dry_run:
                    parsed_articles.append(parsed.as_dict())
                    continue
                with transaction.atomic():
                    result = import_article(parsed, by=publisher and publisher["by"])
                    published = ""
                    if publisher and workflow.has_unpublished_changes(result.article):
                        published = self.publish(result.article, **publisher)
            except OSError as error:
                counts["failed"] += 1
                self.stderr.write(f"{name}: cannot read the file: {error.strerror or error}")
            except ArticleFileError as error:
                counts["failed"] += 1
                self.stderr.write(f"{name}: {error}")
            except (workflow.WorkflowError, PermissionDenied) as error:
                counts["failed"] += 1
                self.stderr.write(f"{name}: not published: {' '.join(error.messages)}")
            else:
                counts[result.outcome] += 1
                if not quiet:
                    where = result.article.get_absolute_url() if published else "(working copy)"
                    self.stdout.write(f"{name}: {result.outcome} {where}{published}")

        if dry_run:
            self.stdout.write(json.dumps(parsed_articles, indent=2, ensure_ascii=False))
            summary = f"Parsed {len(parsed_articles)} file(s), {counts['failed']} failed; "
            self.stderr.write(summary + "nothing was written (dry run).")
        else:
            self.stdout.write(
                "{created} created, {updated} updated, {unchanged} unchanged, "
                "{failed} failed.".format(**counts)
            )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} of {len(files)} file(s) failed to import.")

    def publisher(self, reviewer, editor, note):
        if not (reviewer and editor and note and note.strip()):
            raise CommandError(
                "--publish goes through the medical review: give --reviewer AUTHOR_SLUG, "
                "--editor USERNAME and --note TEXT."
            )
        by = get_user_model().objects.filter(username=editor, is_active=True).first()
        if by is None:
            raise CommandError(f'No active account "{editor}".')
        clinician = Author.objects.filter(slug=reviewer).first()
        if clinician is None:
            raise CommandError(f'No author with the slug "{reviewer}".')
        return {"by": by, "reviewer": clinician, "note": note.strip()}

    @staticmethod
    def publish(article, *, by, reviewer, note):
        """Submit, sign off and publish through the workflow; a sentence for the output."""
        if article.status == article.Status.DRAFT:
            workflow.submit_for_review(article, by=by)
        workflow.sign_off_review(article, by=by, reviewer=reviewer)
        workflow.publish(article, by=by, note=note)
        return (
            f" published: reviewed by {reviewer.display_name}, published by "
            f'{by.get_username()}, "What changed": {note}'
        )
