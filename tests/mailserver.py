"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the email tests: it can refuse, hang or accept.

The site talks to it over SMTP exactly as to a production mail server; what it accepted is in
``messages``.
"""

import socket
import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    def __init__(self):
        self.messages = []
        self.refuse_next = 0
        self.unknown = set()  # recipients refused as unknown (550), naming them as servers do
        self.hang = threading.Event()  # set: hold every message until released
        self.released = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hang.is_set():
            # Block this connection's thread of the loop until the test releases it.
            await server.loop.run_in_executor(None, self.released.wait, 30)
            return "451 Try again later"
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return "421 Service not available, try again later"
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


class LocalSmtpServer:
    """Start with ``start()``; ``port`` stays the same across stop/start, like a server that
    goes down and comes back."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.handler = Handler()
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.handler.released.set()
            self.controller.stop()
            self.controller = None

    def mailer_settings(self, timeout=5):
        """The ``MAILERS`` setting that sends through this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": timeout},
            }
        }

    def environment(self):
        """The variables that make a ``manage.py`` process send through this server."""
        return {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(self.port),
        }
