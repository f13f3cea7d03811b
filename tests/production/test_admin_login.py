"""Admin sign-in is protected against brute force: after DJANGO_LOGIN_FAILURE_LIMIT failures
from one address, or for one account from any number of addresses, the 429 page answers, even
with the right password."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

RIGHT = "a long and unguessable passphrase"


def sign_in(client, password, address="203.0.113.9", username="chief"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
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


def test_a_locked_address_does_not_lock_other_accounts_elsewhere(client, superuser):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong guess", username=f"nobody{number}")
    assert sign_in(client, RIGHT, username="nobody").status_code == 429
    assert sign_in(client, RIGHT, address="198.51.100.4").status_code == 302


@pytest.mark.parametrize(
    ("failing_from", "then_from"),
    [
        # Any address of one IPv6 client's /64.
        ([f"2001:db8:5:9::{number:x}" for number in range(1, 30)], "2001:db8:5:9:ffff::1"),
        # An IPv4 client on an IPv6 socket, then on an IPv4 one.
        (["::ffff:203.0.113.9"], "203.0.113.9"),
    ],
)
def test_one_client_counts_as_one_address_whichever_of_its_addresses_it_uses(
    client, superuser, failing_from, then_from
):
    for number in range(settings.AXES_FAILURE_LIMIT):
        address = failing_from[number % len(failing_from)]
        sign_in(client, "wrong guess", address=address, username=f"nobody{number}")
    assert sign_in(client, RIGHT, address=then_from).status_code == 429
    assert sign_in(client, RIGHT, address="2001:db8:5:a::1").status_code == 302


def test_failures_for_one_account_from_many_addresses_lock_the_account(client, superuser):
    for number in range(20):
        sign_in(client, "wrong guess", address=f"10.{number}.0.1")
    response = sign_in(client, RIGHT, address="192.0.2.200")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


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
