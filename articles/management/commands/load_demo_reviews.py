from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles import workflow
from articles.models import Article
from authors.models import Author

DEMO_NOTE = "First publication of the demo article"


class Command(BaseCommand):
    help = (
        "Publish the demo articles through the editorial workflow, as the demo editor: each is "
        "submitted, signed off by another demo author as medical reviewer, and published with "
        'the note "First publication of the demo article". Articles whose latest revision is '
        "already published are left as they are."
    )

    def handle(self, *args, **options):
        editor = get_user_model().objects.filter(username="editor").first()
        if editor is None:
            raise CommandError("Create the demo accounts first: manage.py create_demo_accounts")
        authors = list(Author.objects.order_by("pk"))
        published = 0
        for article in Article.objects.select_related("author").order_by("pk"):
            if not workflow.has_unpublished_changes(article):
                continue
            # The next author after the article's own, so nobody reviews their own article.
            others = [a for a in authors if a.pk != article.author_id]
            if not others:
                continue
            reviewer = others[article.pk % len(others)]
            if article.status == Article.Status.DRAFT:
                workflow.submit_for_review(article, by=editor)
            workflow.sign_off_review(article, by=editor, reviewer=reviewer)
            workflow.publish(article, by=editor, note=DEMO_NOTE)
            published += 1
            self.stdout.write(
                f"Published {article.get_absolute_url()}: medically reviewed by "
                f"{reviewer.display_name}, published by {editor.get_username()} "
                f'("{DEMO_NOTE}").'
            )
        self.stdout.write(f"Demo articles: {published} published through the medical review.")
