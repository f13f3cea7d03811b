"""The one exception every limit raises (comments, reports, ratings, CSP reports, sign-ins).

Domain code raises it, storing nothing; views answer it with
``symptomdb.responses.too_many_requests``: a 429 that says what was limited and sends
``Retry-After``.
"""

import math


class LimitReached(Exception):
    """``message`` tells the reader what was limited; ``retry_after`` is the number of seconds
    until the next attempt can succeed."""

    message = "You have sent too many requests in a short time. Please wait a little and try again."
    retry_after = 60

    def __init__(self, message=None, retry_after=None):
        if message is not None:
            self.message = message
        if retry_after is not None:
            self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(self.message)
