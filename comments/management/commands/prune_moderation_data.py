from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy import prune_moderation_data


class Command(BaseCommand):
    help = (
        "Delete rejected and spam comments, moderation notes and address hashes older than "
        "COMMENTS_MODERATION_RETENTION_DAYS. Run it daily."
    )

    def handle(self, *args, **options):
        removed = prune_moderation_data()
        days = settings.COMMENTS_MODERATION_RETENTION_DAYS
        self.stdout.write(
            f"Pruned moderation data older than {days} days: {removed['comments']} comment row(s) "
            f"deleted; {removed['notes']} note(s), {removed['earlier_texts']} earlier text(s) "
            f"and {removed['address_hashes']} address hash(es) cleared."
        )
