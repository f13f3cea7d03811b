import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from comments import identity
from comments.forms import make_form_token


@pytest.fixture
def article(make_article):
    return make_article(sections=1)


@pytest.fixture
def form_token():
    """The form's token for ``article``, as if the form had been shown ``seconds_ago``."""

    def token(article, seconds_ago=60):
        return make_form_token(article.pk, time.time() - seconds_ago)

    return token


@pytest.fixture
def comment_data(form_token):
    def data(article, **fields):
        values = {
            "name": "Rita Reader",
            "email": "rita@example.com",
            "body": "A helpful article, thank you.",
            "started": form_token(article),
            "website": "",
        }
        values.update(fields)
        return {key: value for key, value in values.items() if value is not None}

    return data


@pytest.fixture
def post_comment_url():
    """The comment form posts to the article's own address."""

    def url(article):
        return article.get_absolute_url()

    return url


@pytest.fixture
def post(client, comment_data, post_comment_url):
    """POST the comment form for ``article`` with the test client; returns the response."""

    def send(article, *, using=None, **fields):
        return (using or client).post(post_comment_url(article), comment_data(article, **fields))

    return send


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "moderator", email="mod@example.com", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def confirm(client):
    """``confirm(email)``: the test client confirms ``email`` through the emailed link, as a
    commenter would, so that this browser proves the address."""

    def confirm(email, using=None):
        using = using or client
        path = identity.confirmation_url(email).removeprefix(settings.SITE_URL)
        response = using.post(path)
        assert response.status_code == 302, response
        return using

    return confirm
