"""Answers read once per read-only request.

A page asks the database the same question from several places (a building's dashboard reads the key state of its
cached results for each of its five runs, and its latest month and baseline twice or three times). Within one GET or
HEAD request, which changes nothing, a function marked `read_once` answers each question from its first answer.
Anywhere else (a write, a task, a shell, a test calling the function itself) it reads every time.
"""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

_answers: ContextVar[dict | None] = ContextVar("read_once_answers", default=None)
_READ_ONLY_METHODS = ("GET", "HEAD")

Reader = TypeVar("Reader", bound=Callable[..., Any])


def read_once(reader: Reader) -> Reader:
    """Marks a function of hashable arguments (model instances hash by primary key) whose answer cannot change
    within a read-only request."""

    @functools.wraps(reader)
    def answer(*args: Any, **kwargs: Any) -> Any:
        answers = _answers.get()
        if answers is None:
            return reader(*args, **kwargs)
        question = (reader, args, tuple(sorted(kwargs.items())))
        if question not in answers:
            answers[question] = reader(*args, **kwargs)
        return answers[question]

    return answer  # type: ignore[return-value]  # the same signature, as functools.wraps keeps it


class ReadOnceMiddleware:
    """Opens the answers of one GET or HEAD request, and drops them when it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in _READ_ONLY_METHODS:
            return self.get_response(request)
        token = _answers.set({})
        try:
            return self.get_response(request)
        finally:
            _answers.reset(token)
