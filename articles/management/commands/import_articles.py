import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import ArticleFileError, import_article, parse_article


class Command(BaseCommand):
    help = (
        "Import articles written in the plain-text layout of the seed article. Each file is "
        "created or updated by its slug, in its own transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the imported articles now."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the parsed structure as JSON and write nothing.",
        )

    def handle(self, *args, files, publish, dry_run, **options):
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        parsed_articles = []
        for name in files:
            try:
                parsed = parse_article(Path(name).read_bytes())
                if dry_run:
                    parsed_articles.append(parsed.as_dict())
                    continue
                result = import_article(parsed, publish=publish)
            except OSError as error:
                counts["failed"] += 1
                self.stderr.write(f"{name}: cannot read the file: {error.strerror or error}")
            except ArticleFileError as error:
                counts["failed"] += 1
                self.stderr.write(f"{name}: {error}")
            else:
                counts[result.outcome] += 1
                self.stdout.write(f"{name}: {result.outcome} {result.article.get_absolute_url()}")

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
