from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render

from accounts.services import user_register

from ..access import submitted
from ..forms import RegisterForm
from ..submit import submit


def register(request):
    if request.user.is_authenticated:
        return redirect("portal:buildings")
    form = RegisterForm(**submitted(request))
    saved = submit(
        form,
        lambda: user_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            full_name=form.cleaned_data["full_name"],
        ),
    )
    if saved:
        login(request, saved.result)
        messages.success(request, "Welcome to Carbonexia. Start by adding your first building.")
        return redirect("portal:buildings")
    return render(request, "portal/accounts/register.html", {"form": form}, status=form.status)
