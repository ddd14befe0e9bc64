from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from ogmonitor.accounts.policy import editable_organizations

from .models import Community, District, Organization


@admin.register(District)
class DistrictAdmin(TranslationAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "search_key"]


@admin.register(Community)
class CommunityAdmin(TranslationAdmin):
    list_display = ["name", "district", "kind", "is_demo"]
    list_filter = ["district", "kind", "is_demo"]
    search_fields = ["search_key"]
    readonly_fields = ["slug"]


@admin.register(Organization)
class OrganizationAdmin(TranslationAdmin):
    list_display = ["name", "type", "district", "community", "is_demo"]
    list_filter = ["type", "district", "is_demo"]
    search_fields = ["search_key", "short_name"]
    autocomplete_fields = ["community"]
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return editable_organizations(request.user, super().get_queryset(request))
