"""The automatic rules, each through the real comment form."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertRedirects

from comments.models import Comment, mailbox_pattern

pytestmark = pytest.mark.django_db


def comments_of(article):
    """Where a comment that is not shown at once sends its writer back to."""
    return f"{article.get_absolute_url()}#comments"


def test_a_filled_honeypot_is_stored_as_spam_with_the_normal_message(client, article, post):
    response = post(article, website="http://spam.example")
    assertRedirects(response, comments_of(article), fetch_redirect_response=False)
    comment = Comment.objects.get()
    assert (comment.status, comment.held_by) == (Comment.Status.SPAM, "honeypot")
    assertContains(client.get(response.url), "awaiting moderation")


def test_a_form_posted_faster_than_a_person_types_waits_for_a_moderator(
    client, article, post, form_token
):
    """A prepared comment pasted at once is not thrown away: it waits, counted in the queue."""
    response = post(article, started=form_token(article, seconds_ago=0.5))
    assertRedirects(response, comments_of(article), fetch_redirect_response=False)
    comment = Comment.objects.get()
    assert (comment.status, comment.held_by) == (Comment.Status.PENDING, "too-fast")
    assert "typing takes most people at least 3 s" in comment.held_reason
    assert Comment.objects.awaiting_moderation().get() == comment
    assertContains(client.get(response.url), "awaiting moderation")


@pytest.mark.parametrize("seconds_later", [2.9, 3.2])
def test_the_time_a_page_showed_the_form_never_lets_a_robot_through(article, post, seconds_later):
    """Forms shown within one second share their time: rounded up, so a post under the
    minimum is held whatever the fraction of the second the page was read at."""
    shown = timezone.now().replace(microsecond=990_000)
    for load in ("rendered", "from the page cache"):
        reader = Client()
        with time_machine.travel(shown, tick=False):
            page = reader.get(article.get_absolute_url())
        started = re.search(r'name="started" value="([^"]+)"', page.text).group(1)
        with time_machine.travel(shown + timedelta(seconds=seconds_later), tick=False):
            post(
                article,
                using=reader,
                started=started,
                email=f"{load[:4]}@example.com",
                body=f"Posted to the page {load}.",
            )
    held = Comment.objects.filter(held_by="too-fast").count()
    assert held == (2 if seconds_later < 3 else 0)


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
        "I stop\u00a0 taking them on Fridays.",  # a no-break space and two spaces
        "Just stop\u200b taking it.",  # a zero-width space
        "Please stop\u034f taking it.",  # a combining grapheme joiner
        "Then stop\ufe0f\u3164taking it.",  # a variation selector and a Hangul filler
        "Take 500 milligrams at night.",
        "\uff14\uff10\uff10\uff4d\uff47 is plenty.",  # fullwidth "400mg"
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
    assertRedirects(response, comments_of(article), fetch_redirect_response=False)
    assert Comment.objects.count() == 1
    assertContains(client.get(response.url), "already posted this comment")


def test_more_than_n_comments_per_email_in_ten_minutes_is_429_from_any_address(
    article, post, settings
):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 2
    back = comments_of(article)
    assertRedirects(post(article, body="One"), back, fetch_redirect_response=False)
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assertRedirects(post(article, using=elsewhere, body="Two"), back, fetch_redirect_response=False)
    response = post(article, using=Client(REMOTE_ADDR="10.0.0.10"), body="Three")
    assertContains(
        response,
        "You have posted 2 comments in the last 10 minutes with this email address",
        status_code=429,
    )
    assertContains(response, "Please wait about 10 minutes before posting again.", status_code=429)
    assert 540 <= int(response["Retry-After"]) <= 600
    assert Comment.objects.count() == 2
    response = post(article, email="another@example.com", body="Four")
    assertRedirects(response, back, fetch_redirect_response=False)
    assert Comment.objects.filter(email="another@example.com", body="Four").exists()


@pytest.mark.parametrize(
    ("first", "second", "then"),
    [
        ("dan@example.com", "Dan+1@Example.com", "dan+again@EXAMPLE.com"),
        ("dan.smith@gmail.com", "dansmith+x@googlemail.com", "D.a.n.S.mith@gmail.com"),
    ],
)
def test_every_spelling_of_one_inbox_meets_one_limit(article, post, settings, first, second, then):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 2
    for number, email in enumerate([first, second]):
        reader = Client(REMOTE_ADDR=f"10.0.1.{number}")
        assert post(article, using=reader, email=email, body=f"Hi {number}").status_code == 302
    response = post(article, using=Client(REMOTE_ADDR="10.0.1.9"), email=then, body="Again")
    assert response.status_code == 429
    others = ["dan@example.org", "dana@example.com", "dan.smith@example.com"]
    for number, email in enumerate(others):
        reader = Client(REMOTE_ADDR=f"10.0.2.{number}")
        assert post(article, using=reader, email=email, body=f"Other {number}").status_code == 302


def test_a_household_behind_one_address_posts_freely_up_to_a_higher_limit(article, post, settings):
    settings.COMMENTS_RATE_LIMIT_PER_ADDRESS = 4
    for n in range(4):
        response = post(article, email=f"member{n}@example.com", body=f"Hi {n}")
        assertRedirects(response, comments_of(article), fetch_redirect_response=False)
    assert Comment.objects.count() == 4
    response = post(article, email="member9@example.com", body="Hi 9")
    assertContains(response, "from your network", status_code=429)
    assert not Comment.objects.filter(body="Hi 9").exists()


def test_an_ipv6_client_taking_a_new_address_for_each_post_meets_the_limit(article, post, settings):
    """Every address of an IPv6 /64 is one subscriber's."""
    settings.COMMENTS_RATE_LIMIT_PER_ADDRESS = 2
    for n in range(2):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        post(article, using=client, email=f"m{n}@example.com", body=f"Hi {n}")
    rotated = Client(REMOTE_ADDR="2001:db8:1:2:ffff::9")
    response = post(article, using=rotated, email="m9@example.com", body="Hi 9")
    assertContains(response, "from your network", status_code=429)
    neighbour = Client(REMOTE_ADDR="2001:db8:1:3::1")  # another /64
    response = post(article, using=neighbour, email="n@example.com", body="Hello")
    assertRedirects(response, comments_of(article), fetch_redirect_response=False)


def test_every_held_comment_explains_its_rule_in_the_queue(
    moderator_client, article, post, settings
):
    settings.COMMENTS_BLOCKLIST = ["casino"]
    post(article, body="casino bonus")
    page = moderator_client.get(reverse("admin:comments_comment_changelist"))
    assertContains(
        page, "<span title='Contains the blocked word \"casino\".'>blocklist</span>", html=True
    )


def test_comments_older_than_the_rate_window_do_not_count(article, post, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 1
    settings.COMMENTS_RATE_LIMIT_PER_ADDRESS = 1
    back = comments_of(article)
    assertRedirects(post(article, body="Earlier"), back, fetch_redirect_response=False)
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assertRedirects(post(article, body="Later"), back, fetch_redirect_response=False)
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["Earlier", "Later"]


@given(st.emails())
def test_every_address_is_a_spelling_of_its_own_inbox(email):
    pattern = mailbox_pattern(email)
    assert pattern
    assert re.search(pattern, email, re.IGNORECASE)
    assert re.search(pattern, email.swapcase(), re.IGNORECASE)


@pytest.mark.parametrize("email", ["+1@example.com", "a@x\u0130.com", "A.B+c@GMAIL.com"])
def test_the_limit_counts_addresses_the_inbox_rule_finds_hard(article, post, settings, email):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 1
    assert post(article, email=email, body="First.").status_code == 302
    again = post(article, using=Client(REMOTE_ADDR="10.0.3.1"), email=email, body="Second.")
    assert again.status_code == 429
