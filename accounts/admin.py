from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from carbonexia.common.admin import instant_column

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import User
from .services import user_grant_role

# An account's times, in UTC with the zone's name (carbonexia.common.instants), like every other shown time.
JOINED = instant_column("created_at", description="Created")
LAST_LOGIN = instant_column("last_login", description="Last login")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", JOINED]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = [JOINED, LAST_LOGIN]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "role", "is_active"]}),
        ("Dates", {"fields": [JOINED, LAST_LOGIN]}),
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
