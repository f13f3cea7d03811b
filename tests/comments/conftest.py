import time

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.forms import make_form_token


@pytest.fixture
def article(make_article):
    return make_article(sections=1)


@pytest.fixture
def form_token():
    """A form token as if the form had been shown ``seconds_ago`` seconds earlier."""

    def token(seconds_ago=60):
        return make_form_token(time.time() - seconds_ago)

    return token


@pytest.fixture
def comment_data(form_token):
    def data(**fields):
        values = {
            "name": "Rita Reader",
            "email": "rita@example.com",
            "body": "A helpful article, thank you.",
            "started": form_token(),
            "website": "",
        }
        values.update(fields)
        return {key: value for key, value in values.items() if value is not None}

    return data


@pytest.fixture
def post_comment_url():
    def url(article):
        return reverse("comments:post", kwargs={"slug": article.slug})

    return url


@pytest.fixture
def post(client, comment_data, post_comment_url):
    """POST the comment form for ``article`` with the test client; returns the response."""

    def send(article, *, using=None, **fields):
        return (using or client).post(post_comment_url(article), comment_data(**fields))

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
