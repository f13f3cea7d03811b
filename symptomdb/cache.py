"""A Redis cache that is an accelerator, not a dependency.

When Redis cannot be reached, reads are misses (the default is returned), writes are skipped and
a warning is logged; the page is then built from the database, only slower. After a failure the
process leaves Redis alone for ``RETRY_AFTER`` seconds, so an outage costs one connection
timeout every few seconds, not one per cache call. Errors other than an unreachable server (a
wrong type, a bug) still raise.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 5.0

# Django makes one cache object per thread; the outage is shared by every thread of a process.
_down_until = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    @property
    def _server(self):
        return ",".join(self._servers)

    def _available(self):
        return time.monotonic() >= _down_until.get(self._server, 0.0)

    def _failed(self, operation, error):
        with _lock:
            already_down = time.monotonic() < _down_until.get(self._server, 0.0)
            _down_until[self._server] = time.monotonic() + RETRY_AFTER
        if not already_down:
            logger.warning(
                "Cache unreachable during %s (%s: %s); serving without it for %.0f s",
                operation,
                type(error).__name__,
                error,
                RETRY_AFTER,
            )

    def _call(self, operation, fallback, *args, **kwargs):
        if not self._available():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(operation, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing was stored: every key failed.
        return self._call("set_many", list(data), data, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version=version)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None):
        if not self._available():
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        try:
            return super().incr(key, delta, version=version)
        except UNREACHABLE as error:
            self._failed("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from error
