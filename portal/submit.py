"""The portal's one sequence for a submitted form: check it, hand it to a service, and put the service's refusal
on the form, so the view shows the page again with the form's errors and `form.status`. What a success leads to
(mostly a message and a redirect) is the view's to say."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from carbonexia.common.errors import ServiceError

from .forms import PortalForm

T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A write that went through; `result` is what the service returned (None for a deletion)."""

    result: T


def submit(form: PortalForm, write: Callable[[], T]) -> Saved[T] | None:
    """Calls `write` (the service, reading `form.cleaned_data`) once the form is bound and valid. None when nothing
    was written: the form was not submitted, is invalid, or the service refused (see `form.refusal`)."""
    if not form.is_valid():
        return None
    try:
        return Saved(write())
    except ServiceError as error:
        form.refuse(error)
        return None
