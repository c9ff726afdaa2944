from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from carbonexia.webhooks.selectors import deliveries_of, webhook_for_owner, webhooks_of
from carbonexia.webhooks.services import webhook_create, webhook_delete, webhook_test_send

from ..access import portal_view, submitted
from ..forms import WebhookForm
from ..submit import submit

DELIVERIES_SHOWN = 50


@portal_view
def webhooks(request):
    form = WebhookForm(**submitted(request))
    saved = submit(form, lambda: webhook_create(owner=request.user, **form.cleaned_data))
    if saved:
        form = WebhookForm()  # rendered, not redirected: the secret is shown in this answer only
    context = {"form": form, "created": saved.result if saved else None, "webhooks": webhooks_of(request.user)}
    return render(request, "portal/webhooks/page.html", context, status=form.status)


@portal_view
def deliveries(request, webhook_id):
    webhook = webhook_for_owner(user=request.user, webhook_id=webhook_id)
    context = {"webhook": webhook, "deliveries": deliveries_of(webhook)[:DELIVERIES_SHOWN]}
    return render(request, "portal/webhooks/deliveries.html", context)


@portal_view
@require_POST
def webhook_remove(request, webhook_id):
    webhook = webhook_for_owner(user=request.user, webhook_id=webhook_id)
    webhook_delete(actor=request.user, webhook=webhook)
    messages.success(request, f"The webhook to {webhook.url} was deleted; its pending deliveries were given up.")
    return redirect("portal:webhooks")


@portal_view
@require_POST
def webhook_test(request, webhook_id):
    webhook = webhook_for_owner(user=request.user, webhook_id=webhook_id)
    webhook_test_send(actor=request.user, webhook=webhook)
    messages.success(request, f"A test event was sent to {webhook.url}; its delivery is listed below.")
    return redirect("portal:webhook", webhook_id=webhook.pk)
