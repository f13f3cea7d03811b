"""gunicorn settings for `make serve` and production, read from the environment.

GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_WORKERS (default 2 x cores + 1),
GUNICORN_TIMEOUT (default 30 s). The application writes its own access log line per request
(with the request id), so gunicorn's access log is off unless GUNICORN_ACCESS_LOG=1.
"""

import multiprocessing
import os

wsgi_app = "symptomdb.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
# Recycle workers now and then so a slow leak cannot grow without bound, rarely: each recycle
# costs the new worker about 0.6 s of CPU to load, which readers see in p99 latency while the
# server is busy (at 20,000, two workers serving cached pages flat out on 2 cores were recycled
# every 10 s between them).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else None
errorlog = "-"
# Trust X-Forwarded-* only from these proxy addresses (comma-separated).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket: its default path is per user, and several servers may share a machine.
control_socket_disable = True
