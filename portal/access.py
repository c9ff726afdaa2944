"""What every portal view shares: a signed-in user, and service errors answered as pages."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.views.decorators.cache import never_cache
from django_htmx.http import HttpResponseClientRedirect

from carbonexia.common.errors import NotFound, ServiceError


def portal_view(view):
    """Signed-in users only. NotFound from a selector is the 404 page, so another user's object looks like no
    object at all; another refusal the view does not show on a form is an error page with its status."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:  # a poll after the session ended: send the whole page to the login
                next_url = request.htmx.current_url_abs_path or resolve_url("portal:buildings")
                return HttpResponseClientRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except ServiceError as error:
            return render(request, "portal/error.html", {"error": error}, status=error.status)

    # Pages of one account's data are never kept by a shared cache, nor shown again from the browser's.
    return never_cache(wrapped)


def submitted(request) -> dict:
    """A form's data and files when the request is a submission; nothing for a GET, so the form is unbound."""
    return {"data": request.POST, "files": request.FILES} if request.method == "POST" else {}
