"""Sign-in protection: django-axes counts failed sign-ins per client address in the database."""

from axes.backends import AxesStandaloneBackend


class LoginAttemptsBackend(AxesStandaloneBackend):
    """django-axes' check for sign-ins made through a web request.

    A sign-in without a request (a management command, the test client's ``login()``) cannot
    come from the web; axes would refuse it outright, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
