"""The moderation desk in the real admin: queue, bulk actions, reasons, history, permissions."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments import moderation
from comments.models import Comment, ModerationEvent

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
DASHBOARD = reverse("admin:index")


def bulk(client, action, comments, **extra):
    data = {"action": action, "_selected_action": [comment.pk for comment in comments], **extra}
    return client.post(CHANGELIST, data)


def test_the_queue_lists_pending_comments_first_newest_first(
    moderator_client, article, make_comment
):
    make_comment(article, body="Old approved.")
    older = make_comment(article, body="Older pending.", status=Comment.Status.PENDING)
    newer = make_comment(article, body="Newer pending.", status=Comment.Status.PENDING)
    response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = [comment.pk for comment in response.context["cl"].result_list]
    assert rows[:2] == [newer.pk, older.pk]
    assertContains(response, article.title)
    assertContains(response, newer.email)


def test_the_queue_filters_by_status_and_article(
    moderator_client, article, make_article, make_comment
):
    spam = make_comment(article, status=Comment.Status.SPAM, body="Spammy.")
    make_comment(make_article(), status=Comment.Status.SPAM, body="Elsewhere spam.")
    make_comment(article, body="Fine.")
    response = moderator_client.get(
        CHANGELIST, {"status__exact": "spam", "article__id__exact": article.pk}
    )
    assert [comment.pk for comment in response.context["cl"].result_list] == [spam.pk]
    page = moderator_client.get(CHANGELIST)
    for status in ("Pending", "Approved", "Rejected", "Spam"):
        link = f'<a href="?status__exact={status.lower()}">{status}</a>'
        assertContains(page, link, html=True)


def test_bulk_approve_through_the_admin_records_who_and_when(
    moderator_client, moderator, article, make_comment
):
    comments = [make_comment(article, status=Comment.Status.PENDING) for _ in range(3)]
    response = bulk(moderator_client, "approve_comments", comments)
    assertRedirects(response, CHANGELIST, fetch_redirect_response=False)
    assert Comment.objects.approved().count() == 3
    for comment in Comment.objects.all():
        assert comment.decided_by == moderator
        assert comment.decided_at is not None
    assert ModerationEvent.objects.filter(action="approved", actor=moderator).count() == 3


@pytest.mark.parametrize(
    ("action", "status"),
    [("reject_comments", Comment.Status.REJECTED), ("mark_comments_as_spam", Comment.Status.SPAM)],
)
def test_reject_and_spam_ask_for_a_reason_then_record_it(
    moderator_client, moderator, article, make_comment, action, status
):
    comments = [make_comment(article, status=Comment.Status.PENDING) for _ in range(2)]
    confirm = bulk(moderator_client, action, comments)
    assertContains(confirm, 'name="reason"')
    assert not ModerationEvent.objects.exists()

    done = bulk(
        moderator_client,
        action,
        comments,
        confirm="yes",
        reason="off-topic",
        note="Not about heels.",
    )
    assertRedirects(done, CHANGELIST, fetch_redirect_response=False)
    assert set(Comment.objects.values_list("status", flat=True)) == {status}
    event = ModerationEvent.objects.first()
    assert (event.actor, event.reason, event.note) == (moderator, "off-topic", "Not about heels.")


def test_a_reason_is_required_to_reject(moderator_client, article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)
    response = bulk(moderator_client, "reject_comments", [comment], confirm="yes", reason="")
    assertContains(response, "This field is required.")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_the_moderation_history_is_shown_read_only_on_the_comment(
    moderator_client, moderator, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    moderation.reject(comment, by=moderator, reason="abusive", note="Insults.")
    moderation.approve(comment, by=moderator, note="On appeal.")
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assertContains(page, "Moderation history")
    assertContains(page, "Insults.")
    assertContains(page, "On appeal.")
    assertContains(page, "Abusive or disrespectful")
    # The words are the one thing a moderator may change, saying why; the history is not.
    assertContains(page, 'name="body"')
    assertContains(page, 'name="edit_reason"')
    assertNotContains(page, 'name="events-0-note"')


def test_deciding_the_same_status_twice_writes_no_second_history_row(article, make_comment):
    comment = make_comment(article, status=Comment.Status.PENDING)
    assert moderation.approve(comment) is True
    assert moderation.approve(comment) is False
    assert comment.events.count() == 1


def test_the_admin_index_shows_how_many_comments_are_waiting(
    moderator_client, article, make_comment
):
    for _ in range(3):
        make_comment(article, status=Comment.Status.PENDING)
    make_comment(article)
    assertContains(
        moderator_client.get(DASHBOARD),
        f'<a href="{CHANGELIST}?status__exact=pending">'
        "<strong>3</strong> comments waiting for moderation</a>",
        html=True,
    )


def test_a_moderator_cannot_edit_articles_or_users(moderator_client, article):
    change = moderator_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertNotContains(change, article.title, status_code=404)
    assert moderator_client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert moderator_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_an_author_cannot_moderate(client, article, make_comment, django_user_model, author):
    user = django_user_model.objects.create_user("writer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_article", "view_article"])
    )
    author.user = user
    author.save()
    comment = make_comment(article, status=Comment.Status.PENDING)
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403
    assert bulk(client, "approve_comments", [comment]).status_code == 403
    assert Comment.objects.get().status == Comment.Status.PENDING
    assertNotContains(client.get(DASHBOARD), "waiting for moderation")


def test_staff_who_may_only_view_comments_cannot_run_the_actions(
    client, article, make_comment, django_user_model
):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    comment = make_comment(article, status=Comment.Status.PENDING)
    client.force_login(viewer)
    assertNotContains(client.get(CHANGELIST), "approve_comments")
    # With no action open to this user the post only shows the list again, still without it.
    assertNotContains(bulk(client, "approve_comments", [comment]), "approve_comments")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_the_moderators_group_has_only_comment_permissions():
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_comment",
        "change_comment",
        "moderate_comment",
        "view_moderationevent",
        "view_reportedcomment",
        "change_reportedcomment",
        "view_commentrevision",
        "view_commentreport",
    }


def test_a_rejected_comment_is_never_shown_publicly(client, article, make_comment, moderator):
    comment = make_comment(article, body="Hidden now.")
    moderation.reject(comment, by=moderator, reason="abusive")
    assertNotContains(client.get(article.get_absolute_url()), "Hidden now.")


def test_the_queue_query_count_does_not_grow_with_comments(
    moderator_client, article, make_article, make_comment
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert moderator_client.get(CHANGELIST).status_code == 200
        return len(queries)

    make_comment(article, status=Comment.Status.PENDING)
    few = count()
    for _ in range(3):
        other = make_article()
        for _ in range(10):
            make_comment(other, status=Comment.Status.PENDING)
    assert count() == few


def test_a_moderator_decides_one_comment_from_its_page(
    moderator_client, moderator, article, make_comment
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assertContains(page, '<input type="hidden" name="action" value="approve_comments">', html=True)
    assertContains(
        page, f'<input type="hidden" name="_selected_action" value="{comment.pk}">', html=True
    )
    response = bulk(moderator_client, "approve_comments", [comment])
    assertRedirects(response, CHANGELIST, fetch_redirect_response=False)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_viewers_without_the_moderate_permission_get_no_decision_buttons(
    client, article, make_comment, django_user_model
):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    comment = make_comment(article, status=Comment.Status.PENDING)
    client.force_login(viewer)
    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assertNotContains(page, "approve_comments")
