"""Typed exceptions for the errors an Offload node answers with.

Every refusal of the API is a JSON body ``{"error": {"code", "message"}}`` with a 4xx or 5xx status
(docs/api.md, "Errors"). :class:`OffloadError` carries all three; its subclasses name the status, so
that callers can catch the kind of failure they can act on::

    try:
        client.cancel(task_id)
    except offload.Conflict as e:       # 409: it already ended
        print(e.code, e.message)        # task_state_conflict it is already completed
"""

from __future__ import annotations

from typing import Dict, Optional, Type


class OffloadError(Exception):
    """An error answer of the API: its HTTP ``status``, its ``code`` and its ``message``.

    ``retry_after`` is the ``Retry-After`` header in seconds when the node sent one (503s), else None.
    """

    def __init__(
        self, status: int, code: str, message: str, retry_after: Optional[float] = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class BadRequest(OffloadError):
    """400: invalid_field, invalid_args, unknown_kind, invalid_json, invalid_id, ..."""


class Unauthorized(OffloadError):
    """401: the token is missing or unknown."""


class Forbidden(OffloadError):
    """403: the token lacks the scope the route needs (the message names it)."""


class NotFound(OffloadError):
    """404: task_not_found, worker_not_found, or no such route (not_found)."""


class Conflict(OffloadError):
    """409: task_state_conflict, idempotency_conflict, kind_conflict, stale_lease."""


class PayloadTooLarge(OffloadError):
    """413: args or a result over the node's payload limit, or a body over its route's limit."""


class Unavailable(OffloadError):
    """503: overloaded, database_unavailable, ...; send again after ``retry_after`` seconds."""


class WaitTimeout(TimeoutError):
    """:meth:`offload.Offload.wait` gave up before the task ended; ``task`` is its last state."""

    def __init__(self, task_id: str, timeout: float, task: Optional[dict]) -> None:
        state = task["state"] if task else "unknown"
        super().__init__(f"task {task_id} did not end within {timeout:g} s (it is {state})")
        self.task_id = task_id
        self.task = task


_BY_STATUS: Dict[int, Type[OffloadError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    503: Unavailable,
}


def error_for(
    status: int, code: str, message: str, retry_after: Optional[float] = None
) -> OffloadError:
    """The exception of the class that ``status`` maps to (OffloadError for the others)."""
    return _BY_STATUS.get(status, OffloadError)(status, code, message, retry_after)
