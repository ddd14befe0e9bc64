"""Is this ogmonitor able to work? The database answers, and the broker when one is configured.

Each check returns ``"ok"``, ``"not configured"`` or ``"error: <what went wrong>"`` and never
raises: the health endpoint must answer (503) precisely when things are broken.
"""

import logging

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

#: Seconds to wait for the broker: a health check must answer well before a proxy gives up.
BROKER_TIMEOUT = 2.0
OK = "ok"
NOT_CONFIGURED = "not configured"


def _error(part: str, error: Exception) -> str:
    # One line, short: the answer is public. The full error goes to the log.
    logger.warning("Health check: the %s failed: %s", part, error, exc_info=error)
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"error: {type(error).__name__}" + (f": {detail[:200]}" if detail else "")


def database_status() -> str:
    """``SELECT 1`` on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return _error("database", error)
    return OK


def broker_status() -> str:
    """A Redis PING of the broker (``REDIS_URL``), waiting at most BROKER_TIMEOUT seconds."""
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT,
        retry_on_timeout=False,
    )
    try:
        client.ping()
    except Exception as error:
        return _error("broker", error)
    finally:
        client.close()
    return OK


def status() -> tuple[bool, dict[str, str]]:
    """(healthy, report): healthy when every configured part answered."""
    report = {"database": database_status(), "broker": broker_status()}
    healthy = report["database"] == OK and report["broker"] in (OK, NOT_CONFIGURED)
    report["status"] = "ok" if healthy else "fail"
    return healthy, report
