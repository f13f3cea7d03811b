"""After posting: the commenter edits or withdraws (same browser or account, within the window
or while pending); readers report; moderators edit with a reason, reply from the desk, keep a
reported comment, export and erase a commenter's data; counts follow."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from articles.models import Article, PublishedVersion
from comments import privacy
from comments.models import Comment, CommentReport, CommentRevision, ModerationEvent
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def management_forms(html):
    """The inline formsets' hidden management fields of an admin page, as a browser posts them."""
    return dict(
        re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d*)"', html)
    )


def moderator_edit(moderator, comment):
    """A moderator's browser on the comment's admin page: (client, its URL, the hidden fields
    its form posts besides the comment's)."""
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    return client, url, management_forms(client.get(url).content.decode())


def posted(client, article, post, confirm, make_comment, body="My comment."):
    """A comment published at once (a confirmed commenter with an approved comment)."""
    make_comment(article, email="me@example.com", body="An older one.")
    confirm("me@example.com")
    post(article, email="me@example.com", body=body)
    return Comment.objects.get(body=body)


def test_a_commenter_edits_their_comment_within_the_window(
    client, article, post, confirm, make_comment
):
    comment = posted(client, article, post, confirm, make_comment)
    assert comment.status == "approved"
    page = client.get(article.get_absolute_url()).content.decode()
    assert reverse("comments:edit", args=[comment.pk]) in page
    response = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "Corrected."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Corrected.", "approved")
    assert CommentRevision.objects.get(comment=comment).body == "My comment."
    assert ModerationEvent.objects.get(comment=comment, action="edited").actor is None
    shown = Client().get(article.get_absolute_url()).content.decode()
    assert "Corrected." in shown
    assert "(edited)" in shown


def test_an_edit_that_adds_links_goes_back_to_the_queue(
    client, article, post, confirm, make_comment
):
    comment = posted(client, article, post, confirm, make_comment)
    body = "See https://a.example https://b.example https://c.example"
    client.post(reverse("comments:edit", args=[comment.pk]), {"body": body})
    comment.refresh_from_db()
    assert (comment.status, comment.held_by) == ("pending", "links")
    assert body not in Client().get(article.get_absolute_url()).content.decode()


def test_the_edit_window_closes_but_a_pending_comment_stays_editable(
    client, article, post, confirm, make_comment
):
    comment = posted(client, article, post, confirm, make_comment)
    post(
        article,
        email="me@example.com",
        body="Waits with https://a.example https://b.example https://c.example",
    )
    pending = Comment.objects.get(status="pending", email="me@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        refused = client.post(reverse("comments:edit", args=[comment.pk]), {"body": "Late."})
        assert refused.status_code == 403
        assert "can no longer be changed" in refused.content.decode()
        assert (
            client.post(reverse("comments:edit", args=[pending.pk]), {"body": "Fixed."}).status_code
            == 302
        )
    comment.refresh_from_db()
    assert comment.body == "My comment."


def test_nobody_else_may_edit_or_withdraw(client, article, post, confirm, make_comment):
    comment = posted(client, article, post, confirm, make_comment)
    stranger = Client()
    assert (
        stranger.post(reverse("comments:edit", args=[comment.pk]), {"body": "Hacked."}).status_code
        == 403
    )
    assert stranger.post(reverse("comments:withdraw", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "My comment."
    assert comment.withdrawn_at is None


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_another_reader_s_unpublished_comment_is_not_found(client, article, make_comment, status):
    """Not even that it exists, nor on which article."""
    comment = make_comment(article, status=status, body="Held words.")
    for name in ("comments:edit", "comments:withdraw"):
        response = Client().get(reverse(name, args=[comment.pk]))
        assert response.status_code == 404
        assert article.title not in response.text


def test_withdrawing_keeps_the_thread_and_shows_who_took_it_back(
    client, article, post, confirm, make_comment
):
    comment = posted(client, article, post, confirm, make_comment)
    reply = make_comment(article, parent=comment, body="A reply to keep.")
    assert client.get(reverse("comments:withdraw", args=[comment.pk])).status_code == 200
    assert client.post(reverse("comments:withdraw", args=[comment.pk])).status_code == 302
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Comment withdrawn by its author." in page
    assert "My comment." not in page
    assert reply.body in page
    assert ModerationEvent.objects.filter(comment=comment, action="withdrawn").exists()


def report(client, comment, reason="unsafe-advice", note=""):
    return client.post(
        reverse("comments:report", args=[comment.pk]), {"reason": reason, "note": note}
    )


def test_a_reader_reports_a_comment_once(client, article, make_comment):
    comment = make_comment(article, body="Stop your insulin.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert reverse("comments:report", args=[comment.pk]) in page
    assert (
        "What is wrong with this comment?"
        in client.get(reverse("comments:report", args=[comment.pk])).content.decode()
    )
    assert report(client, comment, note="Dangerous.").status_code == 302
    again = report(client, comment)
    assert again.status_code == 302
    assert "already reported" in client.get(again["Location"]).content.decode()
    assert CommentReport.objects.get().note == "Dangerous."


def test_reports_from_one_address_past_the_hourly_limit_are_refused_with_429(
    article, make_comment, settings
):
    settings.COMMENTS_REPORTS_PER_ADDRESS_PER_HOUR = 2
    comments = [make_comment(article, body=f"Comment {n}") for n in range(3)]
    # Three readers in one browser each (new cookies), behind one address.
    assert [report(Client(), comment).status_code for comment in comments[:2]] == [302, 302]
    response = report(Client(), comments[2])
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "You have sent many reports in the last hour" in response.content.decode()
    assert f"Back to “{article.title}”" in response.content.decode()
    assert CommentReport.objects.count() == 2


def test_a_report_without_a_reason_says_what_is_missing(client, article, make_comment):
    comment = make_comment(article)
    response = client.post(reverse("comments:report", args=[comment.pk]), {"note": "?"})
    assert response.status_code == 400
    assert "Choose what is wrong with the comment." in response.content.decode()
    assert not CommentReport.objects.exists()


def test_enough_unsafe_advice_reports_hide_the_comment_until_a_moderator_decides(
    article, make_comment, settings, moderator
):
    settings.COMMENTS_HIDE_AFTER_UNSAFE_REPORTS = 3
    comment = make_comment(article, body="Double your dose.")
    for number in range(2):
        report(Client(REMOTE_ADDR=f"10.1.{number}.1"), comment)
    report(Client(REMOTE_ADDR="10.1.9.1"), comment, reason="spam")  # another reason
    assert "Double your dose." in Client().get(article.get_absolute_url()).content.decode()
    report(Client(REMOTE_ADDR="10.1.3.1"), comment)
    comment.refresh_from_db()
    assert (comment.status, comment.held_by) == ("pending", "reported-unsafe")
    assert "Double your dose." not in Client().get(article.get_absolute_url()).content.decode()
    assert ModerationEvent.objects.get(comment=comment, action="hidden").actor is None

    moderator_client = Client()
    moderator_client.force_login(moderator)
    queue = moderator_client.get(
        reverse("admin:comments_reportedcomment_changelist")
    ).content.decode()
    assert "Double your dose." in queue
    moderator_client.post(
        reverse("admin:comments_reportedcomment_changelist"),
        {"action": "dismiss_reports", "_selected_action": [comment.pk]},
    )
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert not CommentReport.objects.open().exists()
    assert (
        ModerationEvent.objects.get(comment=comment, action="reports-dismissed").actor == moderator
    )


def test_reports_from_one_network_count_once_however_many_readers_send_them(
    article, make_comment, settings
):
    """A reader token is free: one reader clearing cookies, or one office, is one voice."""
    settings.COMMENTS_HIDE_AFTER_UNSAFE_REPORTS = 3
    comment = make_comment(article, body="Double your dose.")
    reply = make_comment(article, body="I agree.", parent=comment)
    Article.objects.filter(pk=article.pk).comments_changed()
    assert PublishedVersion.objects.live().with_comment_count().get().comment_count == 2
    for number in range(5):
        assert report(Client(REMOTE_ADDR=f"10.4.0.{number}"), comment).status_code == 302
    comment.refresh_from_db()
    assert comment.status == "approved"

    for network in (5, 6):
        report(Client(REMOTE_ADDR=f"10.{network}.0.1"), comment)

    comment.refresh_from_db()
    assert comment.status == "pending"
    page = Client().get(article.get_absolute_url()).content.decode()
    # The reply goes with its thread, and the counts say what the page shows.
    assert reply.body not in page
    assert PublishedVersion.objects.live().with_comment_count().get().comment_count == 0


def test_the_reported_queue_lists_the_most_reported_first(article, make_comment, moderator):
    once, thrice = (
        make_comment(article, body="Reported once."),
        make_comment(article, body="Reported thrice."),
    )
    report(Client(REMOTE_ADDR="10.2.0.1"), once, reason="spam")
    for number in range(3):
        report(Client(REMOTE_ADDR=f"10.2.1.{number}"), thrice, reason="abuse")
    client = Client()
    client.force_login(moderator)
    page = client.get(reverse("admin:comments_reportedcomment_changelist")).content.decode()
    assert page.index("Reported thrice.") < page.index("Reported once.")
    assert "Abuse or harassment" in page


def test_a_moderator_edits_the_words_with_a_reason_kept_in_history(
    article, make_comment, moderator
):
    comment = make_comment(article, body="Call me on 0123 456 789.")
    client, url, management = moderator_edit(moderator, comment)
    missing = client.post(url, {**management, "body": "Call me.", "edit_reason": ""})
    assert "Say why the text is changed." in missing.content.decode()
    saved = client.post(
        url, {**management, "body": "Call me.", "edit_reason": "Phone number removed"}
    )
    assert saved.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Call me."
    revision = CommentRevision.objects.get(comment=comment)
    assert (revision.body, revision.edited_by, revision.reason) == (
        "Call me on 0123 456 789.",
        moderator,
        "Phone number removed",
    )
    assert "Call me." in Client().get(article.get_absolute_url()).content.decode()


def test_a_moderator_edit_keeps_to_the_length_every_comment_keeps_to(
    article, make_comment, moderator
):
    comment = make_comment(article, body="Short.")
    client, url, management = moderator_edit(moderator, comment)
    long = "word " * 1001  # 5,005 characters
    response = client.post(url, {**management, "body": long, "edit_reason": "Expanded"})
    assertContains(response, "at most 5000 characters", status_code=200)
    comment.refresh_from_db()
    assert comment.body == "Short."


def test_a_moderator_edit_into_the_commenter_s_other_comment_is_a_form_error(
    article, make_comment, moderator
):
    """The database keeps one comment per commenter and words on an article."""
    make_comment(article, email="sam@example.com", body="Rest helps.")
    comment = make_comment(article, email="Sam@example.com", body="Rest helped me.")
    client, url, management = moderator_edit(moderator, comment)

    response = client.post(url, {**management, "body": "Rest helps.", "edit_reason": "Typo"})

    assertContains(response, "another comment with these words", status_code=200)
    comment.refresh_from_db()
    assert comment.body == "Rest helped me."
    assert not CommentRevision.objects.exists()


def test_a_moderator_replies_from_the_queue_and_the_reply_is_published_at_once(
    article, make_comment, moderator
):
    comment = make_comment(article, body="Is this normal?")
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:comments_comment_reply", args=[comment.pk])
    assert client.post(url, {"body": "Please see your doctor."}).status_code == 302
    reply = Comment.objects.get(body="Please see your doctor.")
    assert (reply.parent, reply.status, reply.staff_reply) == (comment, "approved", True)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Please see your doctor." in page
    assert "Symptom Database team" in page


def test_export_and_erase_from_the_admin_match_the_command(
    article, make_comment, moderator, capsys
):
    make_comment(article, email="leaving@example.com", body="My words.")
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:comments_commenter_data")
    exported = client.post(url, {"email": "leaving@example.com", "action": "export"})
    assert exported["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
    assert json.loads(exported.content) == privacy.export_commenter("leaving@example.com")
    unconfirmed = client.post(url, {"email": "leaving@example.com", "action": "erase"})
    assert "Tick the box to erase." in unconfirmed.content.decode()
    client.post(url, {"email": "leaving@example.com", "action": "erase", "confirm": "on"})
    comment = Comment.objects.get(body="My words.")
    assert (comment.name, comment.email, comment.address_hash) == ("Former reader", "", "")
    call_command("commenter_data", "export", "leaving@example.com")
    assert json.loads(capsys.readouterr().out)["comments"] == []


def test_counts_on_cards_beside_the_title_and_in_the_feed(client, article, make_comment):
    for number in range(3):
        make_comment(article, body=f"Count me {number}.")
    Comment.objects.filter(body="Count me 2.").update(withdrawn_at=timezone.now())
    from articles.models import Article

    Article.objects.filter(pk=article.pk).comments_changed()
    home = client.get("/").content.decode()
    assert "2 comments" in home
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="#comments">2 comments</a>' in page
    feed = client.get(reverse("articles:feed")).content.decode()
    assert "(2 comments)" in feed


def test_a_new_approval_updates_the_counts_on_cached_lists(client, article, make_comment):
    from comments import moderation

    client.get("/")
    comment = make_comment(article, status="pending")
    moderation.approve(comment, by=staff_user("mo", "Moderators"))
    assert "1 comment" in Client().get("/").content.decode()


def test_keep_it_on_a_reported_comment_s_own_page_dismisses_its_reports(
    article, make_comment, moderator
):
    """The comment's page offers "Keep it, dismiss reports" while it has open reports, and the
    button does what it says."""
    comment = make_comment(article, body="Ask your doctor first.")
    report(Client(REMOTE_ADDR="10.2.0.1"), comment, reason="spam")
    moderator_client = Client()
    moderator_client.force_login(moderator)
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>).)*?'
        r'value="dismiss_reports"(?:(?!</form>).)*?</form>',
        page.content.decode(),
        re.S,
    )
    assert form is not None
    response = moderator_client.post(
        form.group(1), {"action": "dismiss_reports", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302
    assert not CommentReport.objects.open().exists()
    assert ModerationEvent.objects.filter(comment=comment, action="reports-dismissed").exists()
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert b"dismiss_reports" not in page.content  # nothing left to dismiss
    assert moderator_client.get(
        reverse("admin:comments_comment_change", args=["abc"])
    ).status_code in {302, 404}
