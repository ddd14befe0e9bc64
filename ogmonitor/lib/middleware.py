"""Request guards that apply to every page and API endpoint."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """Refuse (400) an address or query string carrying a NUL character.

    PostgreSQL text cannot hold NUL: a filter value with one would fail inside the database
    (a server error) instead of telling the sender what is wrong. SQLite would accept it, so
    refusing it up front also keeps both databases behaving alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in value for value in values)
                                         for key, values in request.GET.lists()):
            message = _("The address contains a NUL character.")
            if request.path.startswith("/api/"):  # the API answers errors in JSON, as its schema says
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)
