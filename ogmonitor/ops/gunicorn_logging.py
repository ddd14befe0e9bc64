"""gunicorn's own log lines (access log, arbiter messages) as JSON, for ``ogmonitor web`` with ``LOG_FORMAT=json``.

gunicorn logs through its own handlers, not Django's, so without this the web process would mix
plain access lines into a JSON stream. Loaded by gunicorn with ``--logger-class`` in the
arbiter (which never imports Django); the workers' Django logging follows ``LOGGING``.
"""

from gunicorn import glogging

from .logs import JsonFormatter


class JsonLogger(glogging.Logger):
    """gunicorn's Logger whose handlers write JSON lines, and whose access lines carry fields."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = atoms["s"]
        fields = {
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"] or "",
            "status": int(status) if str(status).isdigit() else status,
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "remote_addr": atoms["h"],
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "user_agent": atoms["a"],
            "referer": atoms["f"],
            # Django's RequestIdMiddleware answers with the id it logged under (the proxy's, if any).
            "request_id": atoms.get("{x-request-id}o") or environ.get("HTTP_X_REQUEST_ID", ""),
        }
        try:
            self.access_log.info(self.cfg.access_log_format, self.atoms_wrapper_class(atoms), extra=fields)
        except Exception:  # as gunicorn's own access(): a log line never fails a request
            self.exception("Could not write the access log line")
