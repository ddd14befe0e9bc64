from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Scope"), {"fields": ["organization", "communities", "preferred_language"]}),
    ]
    list_display = ["username", "email", "organization", "is_staff", "is_active"]
    filter_horizontal = ["groups", "user_permissions", "communities"]
