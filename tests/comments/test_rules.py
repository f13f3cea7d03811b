"""The automatic rules, each through the real comment form."""

import pytest
from django.test import Client

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_a_filled_honeypot_is_stored_as_spam_with_the_normal_message(client, article, post):
    response = post(article, website="http://spam.example")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.held_by) == (Comment.Status.SPAM, "honeypot")
    assert "awaiting moderation" in client.get(response.url).content.decode()


def test_a_form_posted_faster_than_a_person_types_waits_for_a_moderator(
    client, article, post, form_token
):
    """A prepared comment pasted at once is not thrown away: it waits, counted in the queue."""
    response = post(article, started=form_token(article, seconds_ago=0.5))
    comment = Comment.objects.get()
    assert (comment.status, comment.held_by) == (Comment.Status.PENDING, "too-fast")
    assert "typing takes most people at least 3 s" in comment.held_reason
    assert Comment.objects.awaiting_moderation().get() == comment
    assert "awaiting moderation" in client.get(response.url).content.decode()


def test_a_fast_form_with_the_honeypot_filled_is_spam(article, post, form_token):
    post(article, started=form_token(article, seconds_ago=0.5), website="http://x.example")
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_the_minimum_time_is_a_setting(article, post, form_token, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    post(article, started=form_token(article, seconds_ago=0))
    assert Comment.objects.get().held_by == "first-comment"


def test_more_links_than_allowed_are_held_even_for_a_known_commenter(
    article, post, make_comment, confirm
):
    make_comment(article, email="known@example.com")
    confirm("known@example.com")
    body = "See https://a.example/1 and https://b.example/2 and www.c.example/3"
    post(article, email="known@example.com", body=body)
    comment = Comment.objects.get(body=body)
    assert (comment.status, comment.held_by) == (Comment.Status.PENDING, "links")
    assert "3 links (more than 2)" in comment.held_reason


def test_two_links_are_fine_and_the_limit_is_a_setting(
    article, post, settings, make_comment, confirm
):
    make_comment(article, email="known@example.com")
    confirm("known@example.com")
    post(article, email="known@example.com", body="https://a.example https://b.example")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED
    settings.COMMENTS_MAX_LINKS = 0
    post(article, email="known@example.com", body="Only https://a.example here")
    assert Comment.objects.latest("pk").held_by == "links"


def test_blocklisted_words_are_spam(article, post, settings):
    settings.COMMENTS_BLOCKLIST = ["cheap pills"]
    post(article, body="Buy CHEAP PILLS today")
    comment = Comment.objects.get()
    assert (comment.status, comment.held_by) == (Comment.Status.SPAM, "blocklist")
    assert '"cheap pills"' in comment.held_reason


def test_a_known_commenter_is_approved_at_once(article, post, make_comment, confirm):
    make_comment(article, email="known@example.com")
    confirm("known@example.com")
    post(article, email="known@example.com", body="Hello again.")
    comment = Comment.objects.get(body="Hello again.")
    assert (comment.status, comment.held_by) == (Comment.Status.APPROVED, "known-commenter")
    assert comment.identity == Comment.Identity.CONFIRMED_EMAIL


def test_a_typed_address_of_an_approved_commenter_proves_nothing(article, post, make_comment):
    """Anybody can type anybody's address: the comment waits, and says why."""
    make_comment(article, email="known@example.com")
    body = "Buy here https://a.example https://b.example"
    post(article, email="known@example.com", name="Moderator Team", body=body)
    assert not Comment.objects.filter(body=body).exists()  # the name is refused outright
    post(article, email="known@example.com", name="Kim Known", body="Trust me.")
    comment = Comment.objects.get(body="Trust me.")
    assert (comment.status, comment.held_by) == (Comment.Status.PENDING, "unconfirmed-email")
    assert comment.identity == Comment.Identity.TYPED_EMAIL


def test_a_confirmed_commenter_refused_since_their_approval_waits_again(
    article, post, make_comment, confirm
):
    make_comment(article, email="turned@example.com")
    make_comment(article, email="turned@example.com", status=Comment.Status.SPAM)
    confirm("turned@example.com")
    post(article, email="turned@example.com", body="Fine now.")
    assert Comment.objects.get(body="Fine now.").status == Comment.Status.PENDING


def test_a_signed_in_account_with_approved_comments_is_approved_at_once(
    client, article, post, make_comment, django_user_model
):
    user = django_user_model.objects.create_user("reader", email="reader@example.com")
    make_comment(article, user=user, email="reader@example.com")
    client.force_login(user)
    post(article, name="Reader", email="other-address@example.com", body="Signed in.")
    comment = Comment.objects.get(body="Signed in.")
    assert (comment.status, comment.identity) == (Comment.Status.APPROVED, "account")


def test_an_earlier_rejected_or_pending_comment_does_not_make_a_commenter_known(
    article, post, make_comment
):
    make_comment(article, email="maybe@example.com", status=Comment.Status.REJECTED)
    make_comment(article, email="maybe@example.com", status=Comment.Status.PENDING)
    post(article, email="maybe@example.com", body="Try again.")
    assert Comment.objects.get(body="Try again.").status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "body",
    [
        "I stopped taking my tablets last week.",
        "Take 400 mg of ibuprofen instead.",
        "You should double your dose when it hurts.",
        "Try reducing your medication slowly.",
    ],
)
def test_health_safety_phrases_are_held_even_from_trusted_commenters(
    article, post, make_comment, confirm, body
):
    make_comment(article, email="known@example.com")
    confirm("known@example.com")
    post(article, email="known@example.com", body=body)
    comment = Comment.objects.get(body=body)
    assert (comment.status, comment.held_by) == (Comment.Status.PENDING, "health-safety")


def test_the_same_text_twice_is_dropped_as_a_duplicate(client, article, post):
    post(article)
    response = post(article)
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert "already posted this comment" in client.get(response.url).content.decode()


def test_more_than_n_comments_per_email_in_ten_minutes_is_429_from_any_address(
    article, post, settings
):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 2
    assert post(article, body="One").status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert post(article, using=elsewhere, body="Two").status_code == 302
    response = post(article, using=Client(REMOTE_ADDR="10.0.0.10"), body="Three")
    assert response.status_code == 429
    assert "You have posted 2 comments in the last 10 minutes with this email address" in (
        response.content.decode()
    )
    assert "Please wait about 10 minutes before posting again." in response.content.decode()
    assert 540 <= int(response["Retry-After"]) <= 600
    assert Comment.objects.count() == 2
    assert post(article, email="another@example.com", body="Four").status_code == 302


def test_a_household_behind_one_address_posts_freely_up_to_a_higher_limit(article, post, settings):
    settings.COMMENTS_RATE_LIMIT_PER_ADDRESS = 4
    for n in range(4):
        assert post(article, email=f"member{n}@example.com", body=f"Hi {n}").status_code == 302
    response = post(article, email="member9@example.com", body="Hi 9")
    assert response.status_code == 429
    assert "from your network" in response.content.decode()


def test_every_held_comment_explains_its_rule_in_the_queue(
    moderator_client, article, post, settings
):
    settings.COMMENTS_BLOCKLIST = ["casino"]
    post(article, body="casino bonus")
    page = moderator_client.get("/admin/comments/comment/").content.decode()
    assert 'title="Contains the blocked word &quot;casino&quot;."' in page


def test_comments_older_than_the_rate_window_do_not_count(article, post, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.COMMENTS_RATE_LIMIT = 1
    assert post(article, body="Earlier").status_code == 302
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert post(article, body="Later").status_code == 302
