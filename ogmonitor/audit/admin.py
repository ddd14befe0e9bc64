"""The log entries in the admin: auditlog's own list and detail, read-only for everybody.

auditlog's admin already refuses adding and changing entries, but allows deleting one when the
request comes from another admin page (a cascade). Here nobody, superusers included, may add,
change or delete an entry, and each user sees only the entries the audit page shows them.
"""

from auditlog.admin import LogEntryAdmin as AuditlogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from ogmonitor.accounts.policy import can_view_audit

from .services import visible_entries

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(AuditlogEntryAdmin):
    actions = None  # no bulk action: the only built-in one deletes

    def has_module_permission(self, request):
        return can_view_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return can_view_audit(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return visible_entries(request.user, super().get_queryset(request))
