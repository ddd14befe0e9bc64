"""The checklist's configuration (categories, items, periods) and the publications, in the admin.

Publications are filtered and guarded by the same policy the pages use: a municipality editor
sees and changes only their own municipality's; verifying goes through the service.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ogmonitor.accounts.policy import (
    can_record_publication,
    can_verify_publication,
    is_administrator,
    is_coordinator,
    recordable_publications,
)
from ogmonitor.places.models import Organization

from . import services
from .models import Category, Item, Period, Publication


class ItemInline(TranslationTabularInline):
    model = Item
    fields = ["code", "name", "weight", "current_for_days", "applies_to", "is_active", "position"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "code", "position"]
    list_editable = ["position"]
    search_fields = ["code", "name_az", "name_en"]
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(TranslationAdmin):
    list_display = ["name", "category", "weight", "current_for_days", "applies_to", "is_active", "position"]
    list_editable = ["weight", "current_for_days", "applies_to", "is_active", "position"]
    list_filter = ["category", "applies_to", "is_active"]
    search_fields = ["code", "name_az", "name_en"]
    list_select_related = ["category"]
    autocomplete_fields = ["activities"]
    fieldsets = [
        (None, {"fields": ["category", "code", "name", "description", "position"]}),
        (_("How it counts in the index"), {"fields": ["weight", "current_for_days", "applies_to", "is_active"]}),
        (_("What it shows of the action plan"), {"fields": ["activities"]}),
    ]


@admin.register(Period)
class PeriodAdmin(TranslationAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["organization", "item", "published_on", "channel", "verified_by", "verified_on", "is_demo"]
    list_filter = ["channel", "item__category", "organization__type", "is_demo", ("verified_by", admin.EmptyFieldListFilter)]
    list_select_related = ["organization", "item", "verified_by"]
    search_fields = ["organization__search_key", "item__code", "item__name_az", "item__name_en", "title", "url"]
    autocomplete_fields = ["organization"]
    date_hierarchy = "published_on"
    readonly_fields = ["verified_by", "verified_on", "recorded_by", "recorded_at"]
    fields = ["organization", "item", "published_on", "channel", "url", "title",
              "verified_by", "verified_on", "recorded_by", "recorded_at", "is_demo"]
    actions = ["mark_verified"]

    def get_queryset(self, request):
        return recordable_publications(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_record_publication(request.user, obj.organization))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_record_publication(request.user, obj.organization))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name == "organization" and not (is_administrator(user) or is_coordinator(user)):
            kwargs["queryset"] = Organization.objects.filter(pk=user.organization_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not can_record_publication(request.user, obj.organization):
            raise PermissionDenied
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_verify_publication(request.user):
            actions.pop("mark_verified", None)
        return actions

    @admin.action(description=_("Mark the selected publications as verified"))
    def mark_verified(self, request, queryset):
        count = 0
        for publication in queryset.filter(verified_by__isnull=True):
            services.verify_publication(publication, request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d publication marked as verified.", "%(count)d publications marked as verified.", count)
            % {"count": count},
            messages.SUCCESS,
        )
