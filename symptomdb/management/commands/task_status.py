from django.core.management.base import BaseCommand
from django.db.models import Count, Min
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from symptomdb.models import OutgoingEmail


class Command(BaseCommand):
    help = "Show the background queue: tasks by status, the oldest waiting one, and emails."

    def handle(self, *args, **options):
        tasks = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
        for status in TaskResultStatus:
            self.stdout.write(f"tasks {status.label.lower():<11} {tasks.get(status, 0)}")
        oldest = DBTaskResult.objects.ready().aggregate(at=Min("enqueued_at"))["at"]
        if oldest:
            waited = int((timezone.now() - oldest).total_seconds())
            self.stdout.write(f"oldest ready task waits for {waited} s")
        emails = dict(
            OutgoingEmail.objects.order_by().values_list("status").annotate(n=Count("id"))
        )
        for status in OutgoingEmail.Status:
            self.stdout.write(f"emails {status.value:<10} {emails.get(status, 0)}")
