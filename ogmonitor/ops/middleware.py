"""Give every request an id that its log lines, its response and the proxy's access log share."""

import re
import uuid

from .logs import request_id

#: What an id taken from the proxy may look like (nginx's $request_id is 32 hex digits). Anything
#: else is replaced: the value is written into log lines and a response header.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdMiddleware:
    """Use the proxy's ``X-Request-ID`` (or make one), log with it and send it back.

    First in ``MIDDLEWARE`` so a redirect or refusal by a later middleware carries it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        current = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        request.request_id = current
        token = request_id.set(current)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = current
        return response
