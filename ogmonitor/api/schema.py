"""The OpenAPI description of the errors every operation can answer with.

drf-spectacular documents the success response of each operation; the errors DRF itself
produces (a filter value refused, a page past the end, an object not found, missing
credentials, a permission refused) are added here, so that the schema lists every status code
the API really returns (schemathesis checks that it does, see ``tests/test_schema.py``).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ERROR_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the operation's error responses."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, body, description in self._errors():
            responses.setdefault(str(code), self._get_response_for_code(body, str(code), direction=direction))
            responses[str(code)]["description"] = description
        return responses

    def _errors(self):
        has_path_parameters = "{" in self.path
        is_list = self.method == "GET" and self._is_list_view()
        has_query = bool(self._get_filter_parameters() or self.get_override_parameters())
        errors = []
        if self.method != "GET" or is_list or has_query:
            errors.append((400, OpenApiTypes.OBJECT, "Refused values: an object mapping each field (or query parameter) to its messages."))
        if self.method != "GET":
            errors.append((401, ERROR_DETAIL, "No credentials, or a token that is not valid."))
            errors.append((403, ERROR_DETAIL, "The policy does not allow this user to do this."))
        if has_path_parameters or is_list:
            errors.append((404, ERROR_DETAIL, "Not found, or not public (or a page past the last)."))
        return errors
