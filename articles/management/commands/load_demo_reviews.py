from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles import workflow
from articles.models import Article
from authors.models import Author


class Command(BaseCommand):
    help = (
        "Sign off the medical review of the published demo articles as the demo editor, each "
        "by another demo author. Articles that already have a reviewer are left as they are."
    )

    def handle(self, *args, **options):
        editor = get_user_model().objects.filter(username="editor").first()
        if editor is None:
            raise CommandError("Create the demo accounts first: manage.py create_demo_accounts")
        authors = list(Author.objects.order_by("pk"))
        unreviewed = Article.objects.published().filter(reviewed_by=None).order_by("pk")
        signed = 0
        for article in unreviewed:
            # The next author after the article's own, so nobody reviews their own article.
            others = [a for a in authors if a.pk != article.author_id]
            if not others:
                continue
            reviewer = others[article.pk % len(others)]
            workflow.sign_off_review(article, by=editor, reviewer=reviewer)
            signed += 1
        self.stdout.write(f"Demo reviews: {signed} signed off.")
