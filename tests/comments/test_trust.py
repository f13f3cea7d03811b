"""Trust is earned, not typed: a confirmed email or an account, never a typed address; names
dressed up as staff are refused or held; the same words are stored once however they are sent;
limits count per email, account and address; the form's token is short-lived and bound to its
article."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from authors.models import Author
from comments import identity
from comments.models import Comment
from symptomdb.models import OutgoingEmail
from tests.factories import staff_user
from tests.markers import needs_postgres

pytestmark = pytest.mark.django_db


def test_a_typed_comment_brings_a_confirmation_link_that_earns_trust(
    client, article, post, make_comment, moderator, run_tasks, mailoutbox
):
    post(article, email="new@example.com", body="My first comment.")
    first = Comment.objects.get(body="My first comment.")
    assert (first.status, first.identity) == ("pending", "typed-email")
    run_tasks()
    letter = next(m for m in mailoutbox if m.to == ["new@example.com"])
    link = re.search(r"http\S+/comments/confirm/\S+/", letter.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert "Confirm new@example.com" in page.content.decode()
    assert not identity.commenter_from(page.wsgi_request).confirmed_email  # a GET confirms nothing
    assert client.post("/" + path).status_code == 302
    # Still no approved comment: the next one waits too, but is marked as confirmed.
    post(article, email="new@example.com", body="Second, before approval.")
    second = Comment.objects.get(body="Second, before approval.")
    assert (second.status, second.identity) == ("pending", "confirmed-email")
    first.status = Comment.Status.APPROVED
    first.save()
    post(article, email="new@example.com", body="Third, after approval.")
    assert Comment.objects.get(body="Third, after approval.").status == "approved"
    # Another browser typing the same address proves nothing.
    post(article, using=Client(), email="new@example.com", body="An impostor.")
    assert Comment.objects.get(body="An impostor.").held_by == "unconfirmed-email"


def test_one_confirmation_email_a_day_per_address(article, post, settings):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 10
    for number in range(3):
        post(article, email="often@example.com", body=f"Comment {number}.")
    assert OutgoingEmail.objects.filter(recipients=["often@example.com"]).count() == 1


def test_an_altered_or_old_confirmation_link_is_a_400_that_says_so(client):
    token = identity.confirmation_token("someone@example.com")
    assert client.post(f"/comments/confirm/{token[:-3]}xyz/").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(f"/comments/confirm/{token}/")
    assert response.status_code == 400
    assert "more than 7 days old" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Moderator",
        "M\u043ederat\u043er",  # Cyrillic o
        "MODERATOR",
        "\uff2d\uff4f\uff44\uff45\uff52\uff41\uff54\uff4f\uff52",  # fullwidth
        "M0derat0r",
        "Site Team",
        "Admin",
        "Moderator_Team",
        "Admin-Team",
        "Site.Team",
        "the~moderator",
        "\u1d0d\u1d0f\u1d05\u1d07\u0280\u1d00\u1d1b\u1d0f\u0280",  # small capitals
    ],
)
def test_names_that_claim_a_staff_role_are_refused_whatever_their_letters(article, post, name):
    response = post(article, name=name)
    assert response.status_code == 400
    assert "This name is kept for the site&#x27;s own staff" in response.content.decode()
    assert not Comment.objects.exists()


def test_names_of_authors_and_staff_are_held_and_mixed_alphabets_too(article, post, moderator):
    article.author.name = "Ada Byline"
    post(article, name="\u0391da Byline", email="a@example.com", body="I wrote this.")  # Greek A
    assert Comment.objects.get(body="I wrote this.").held_by == "name-like-staff"
    post(article, name="J\u043ehn Smith", email="b@example.com", body="Mixed letters.")
    assert Comment.objects.get(body="Mixed letters.").held_by == "mixed-script-name"
    post(article, name="John Stafford", email="c@example.com", body="A real name.")
    assert Comment.objects.get(body="A real name.").held_by == "first-comment"


@pytest.mark.parametrize(
    "name",
    [
        "Ada Byline, MD",
        "Dr. Ada Byline",
        "Dr Ada Byline MD PhD",
        "Prof. ADA BYLINE (consultant)",
        "Soren Aberg",  # the author Søren Åberg, without the letters English keyboards lack
        "S\u00f8ren \u00c5berg, RN",
    ],
)
def test_an_authors_name_with_a_title_or_credentials_around_it_is_held(
    article, post, moderator, name
):
    Author.objects.create(name="Søren Åberg", slug="soren-aberg")
    post(article, name=name, email="x@example.com", body="Trust me, I wrote it.")
    assert Comment.objects.get().held_by == "name-like-staff"


def test_names_that_merely_share_a_word_with_an_author_are_not_held(article, post, moderator):
    # A staff member known by one name, and an author by one word.
    staff_user("anna-staff", first_name="Annabel")
    Author.objects.create(name="Hippocrates", slug="hippocrates")
    names = ["Ada Lovelace", "Byline Fan", "Ada B.", "Annabel Jones", "Hippocrates Fan Club"]
    for number, name in enumerate(names):
        post(article, name=name, email=f"{number}@example.com", body=f"Comment {number}.")
    assert set(Comment.objects.values_list("held_by", flat=True)) == {"first-comment"}


def test_names_are_stored_in_one_unicode_form(article, post):
    post(article, name="Zoe\u0308  Mu\u0308ller", body="Decomposed letters.")
    assert Comment.objects.get().name == "Zoë Müller"


@pytest.mark.parametrize("body", ["Null\x00byte", "Bell\x07", "Escape \x1b[31m red"])
def test_control_characters_in_a_comment_are_refused_with_the_text_kept(article, post, body):
    response = post(article, body=body)
    assert response.status_code == 400
    text = response.content.decode()
    assert "characters" in text
    assert not Comment.objects.exists()


def test_the_forms_token_lasts_two_hours_and_keeps_the_text(article, post, form_token):
    response = post(article, started=form_token(article, seconds_ago=3 * 3600), body="Old form.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This form was open for more than 2 hours" in page
    assert "Old form." in page
    assert post(article, started=form_token(article, seconds_ago=3600)).status_code == 302


def test_a_token_shown_for_another_article_is_refused(article, make_article, post, form_token):
    other = make_article()
    response = post(article, started=form_token(other), body="Copied form.")
    assert response.status_code == 400
    assert "came from another page" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_database_refuses_the_same_words_twice_from_one_commenter(article, make_comment):
    make_comment(article, email="twice@example.com", body="Same  words")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(article, email="TWICE@example.com", body="same words")


def test_a_repeat_is_answered_like_the_first_post(client, article, post, confirm, make_comment):
    make_comment(article, email="rep@example.com", body="Earlier.")
    confirm("rep@example.com")
    first = post(article, email="rep@example.com", body="Said once.")
    again = post(article, email="rep@example.com", body="said   ONCE.")
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Comment.objects.filter(email="rep@example.com").count() == 2


@needs_postgres("two posts at the same instant on two connections")
@pytest.mark.django_db(transaction=True)
def test_two_identical_comments_sent_at_the_same_instant_are_stored_once(
    make_article, comment_data
):
    article = make_article()
    data = comment_data(article, body="Double-clicked post.")
    statuses, barrier = [], threading.Barrier(2)

    def send():
        try:
            barrier.wait()
            statuses.append(Client().post(article.get_absolute_url(), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert Comment.objects.filter(body="Double-clicked post.").count() == 1


def test_a_signed_in_account_is_limited_whatever_email_it_types(
    client, article, post, django_user_model, settings
):
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 2
    user = django_user_model.objects.create_user("busy", email="busy@example.com")
    client.force_login(user)
    for number in range(2):
        assert (
            post(article, email=f"alias{number}@example.com", body=f"B{number}").status_code == 302
        )
    response = post(article, email="alias9@example.com", body="B9")
    assert response.status_code == 429
    assert "signed in" in response.content.decode()
