"""Admin sign-in is protected against brute force: after DJANGO_LOGIN_FAILURE_LIMIT failures
from one address, that address gets the 429 page, even with the right password."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

RIGHT = "a long and unguessable passphrase"


def sign_in(client, password, address="203.0.113.9"):
    return client.post(
        reverse("admin:login"),
        {"username": "chief", "password": password},
        REMOTE_ADDR=address,
    )


def test_repeated_failures_lock_the_address_out_even_with_the_right_password(client, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "wrong guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = sign_in(client, "wrong guess")
    assert response.status_code == 429

    response = sign_in(client, RIGHT)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert response.headers["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_affect_other_addresses(client, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong guess")
    assert sign_in(client, RIGHT, address="198.51.100.4").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong guess")
    assert sign_in(client, RIGHT).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong guess").status_code == 200


def test_sign_in_outside_a_request_is_not_counted(client, superuser):
    """Management commands and the test client's login() have no request to count."""
    assert client.login(username="chief", password=RIGHT)
