"""The verifiers' work queue on the admin index: ``{% verifier_queue %}`` (credits.selectors.verifier_queue)."""

from django import template

from credits.selectors import verifier_queue as queue

register = template.Library()
SHOWN = 20  # rows listed per kind; the counts cover them all


@register.inclusion_tag("admin/credits/_verifier_queue.html", takes_context=True)
def verifier_queue(context):
    user = context["request"].user
    if not user.has_perm("credits.view_creditblock"):
        return {"queue": None}
    return {"queue": queue(), "shown": SHOWN}
