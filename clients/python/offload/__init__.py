"""Offload's Python client: submit tasks and follow them (:class:`Offload`), and run tasks of your
own kinds in this process (:class:`Worker`). Standard library only; Python 3.9 or later."""

import logging

from .client import FINAL_STATES, Offload
from .errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    OffloadError,
    PayloadTooLarge,
    Unauthorized,
    Unavailable,
    WaitTimeout,
)
from .worker import Context, Discard, RetryLater, Stopped, Worker

# A library leaves the logging set-up to the application (no "last resort" output of its own).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "FINAL_STATES", "Offload", "Worker", "Context", "Discard", "RetryLater", "Stopped",
    "OffloadError", "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict",
    "PayloadTooLarge", "Unavailable", "WaitTimeout",
]
