from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import User
from .services import user_grant_role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["created_at", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "role", "is_active"]}),
        ("Dates", {"fields": ["created_at", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        # Role changes go through the one service so they are audited and keep staff flags in step.
        role_changed = change and "role" in form.changed_data
        new_role = obj.role
        if role_changed:
            obj.role = form.initial["role"]
        super().save_model(request, obj, form, change)
        if role_changed:
            user_grant_role(actor=request.user, user=obj, role=new_role)
