"""Submitting tasks and following them: :class:`Offload`."""

from __future__ import annotations

import datetime as _dt
import json
import socket
import threading
import time
from typing import Any, Dict, Iterable, List, Mapping, Optional
from urllib.parse import quote

from ._http import Connection, duration, response_error
from .errors import WaitTimeout

#: The states a task does not leave (unless retried).
FINAL_STATES = frozenset({"completed", "cancelled", "discarded"})

Task = Dict[str, Any]


class Offload:
    """A client of one Offload node (or of a load balancer in front of several).

    Tasks come back as plain dicts of the JSON task resource (docs/api.md, "The task resource").
    Errors of the API raise the subclasses of :class:`~offload.OffloadError`. A client may be
    shared by threads: each thread gets a keep-alive connection of its own.

    >>> client = Offload("http://127.0.0.1:8080", token=None)
    >>> task = client.submit("sleep", {"seconds": 1}, priority=1)
    >>> client.wait(task["id"], timeout=10)["state"]
    'completed'
    """

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 30.0) -> None:
        """``url``: the node's base URL; ``token``: a bearer token with the ``submit`` and ``read``
        scopes, if the node has tokens; ``timeout``: seconds to wait for any one answer."""
        self.url = url
        self._token = token
        self._timeout = timeout
        self._local = threading.local()
        self._opened: List[Connection] = []
        self._opened_lock = threading.Lock()
        self._events: Optional[bool] = None  # whether the node streams task events; None: not known yet

    def _conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = Connection(self.url, self._token, self._timeout)
            with self._opened_lock:
                self._opened.append(conn)
        return conn

    def close(self) -> None:
        """Closes the connections of every thread (a later call opens new ones)."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> "Offload":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def submit(self, kind: str, args: Optional[Mapping[str, Any]] = None, **options: Any) -> Task:
        """Submits a task of ``kind`` with ``args``; returns it once it is stored (202).

        ``options`` are the other fields of ``POST /tasks``: ``queue``, ``priority`` (0-9),
        ``max_attempts``, ``timeout`` and ``delay`` (seconds, ``"30s"`` or a timedelta), ``run_at``
        (an aware datetime or ISO text), ``unique_key`` (idempotency: the same key and request again
        returns the same task) and ``callback_url``. A misspelt option is a :class:`BadRequest`.
        """
        return self._conn().call("POST", "/tasks", _submission(kind, args, options))[1]

    def submit_many(
        self, tasks: Iterable[Mapping[str, Any]], idempotency_key: Optional[str] = None
    ) -> List[str]:
        """Submits up to 1,000 tasks in one statement, all or none; returns their ids in order.

        Each task is a mapping with ``kind``, optionally ``args`` and the options of :meth:`submit`.
        With ``idempotency_key`` the batch is one idempotent request: sent again, it returns the same
        ids.
        """
        body = {"tasks": [_submission(t["kind"], t.get("args"), _options(t)) for t in tasks]}
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self._conn().call("POST", "/tasks/batch", body, headers=headers)[1]["ids"]

    def get(self, task_id: str) -> Task:
        """The task as it is now. :class:`NotFound` (``task_not_found``) if there is none."""
        return self._conn().call("GET", _path(task_id))[1]

    def cancel(self, task_id: str) -> Task:
        """Cancels a task: a waiting one at once (``cancelled``); a running one is asked to stop
        (still ``running``, ``cancel_requested_at`` set; it ends ``cancelled``, or ``completed`` if
        its handler finished first). :class:`Conflict` if it has already ended."""
        return self._conn().call("POST", _path(task_id) + "/cancel")[1]

    def retry(self, task_id: str) -> Task:
        """Runs a ``discarded`` or ``cancelled`` task again, now. :class:`Conflict` otherwise."""
        return self._conn().call("POST", _path(task_id) + "/retry")[1]

    def wait(self, task_id: str, timeout: Optional[float] = None) -> Task:
        """Blocks until the task is final (completed, cancelled or discarded) and returns it, with
        its ``result`` or ``errors``: what ``AsyncResult.get()`` is to Celery users, without raising
        for a failed task (look at ``task["state"]``).

        Follows the node's event stream (``GET /tasks/{id}/events``) where it has one, else polls
        with a backoff from 50 ms to 1 s. Raises :class:`WaitTimeout` after ``timeout`` seconds
        (None: no limit).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        if self._events is not False:
            task = self._follow(task_id, deadline, timeout)
            if task is not None:
                return task
        return self._poll(task_id, deadline, timeout)

    def _poll(self, task_id: str, deadline: Optional[float], timeout: Optional[float]) -> Task:
        pause = 0.05
        while True:
            task = self.get(task_id)
            if task["state"] in FINAL_STATES:
                return task
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeout(task_id, timeout or 0.0, task)
                pause = min(pause, left)
            time.sleep(pause)
            pause = min(pause * 1.5, 1.0)

    def _follow(
        self, task_id: str, deadline: Optional[float], timeout: Optional[float]
    ) -> Optional[Task]:
        """Waits on the event stream; None if the node has none (then the caller polls)."""
        last: Optional[Task] = None
        while True:
            # A stream holds its connection: one of its own, closed after.
            conn = Connection(self.url, self._token, self._timeout)
            try:
                read_for = _left(deadline, self._timeout)
                response = conn.send(
                    "GET", _path(task_id) + "/events", None, read_for,
                    {"Accept": "text/event-stream"},
                )
                if response.status >= 400:
                    error = response_error(response)
                    if error.status == 404 and error.code == "not_found":
                        self._events = False  # a node without the route: remember, and poll
                        return None
                    raise error
                self._events = True
                for task in _events(response, conn, deadline):
                    last = task
                    if task["state"] in FINAL_STATES:
                        return self.get(task_id)  # the stream leaves out result and errors
            except socket.timeout:
                if deadline is not None and time.monotonic() >= deadline:
                    raise WaitTimeout(task_id, timeout or 0.0, last) from None
            finally:
                conn.close()
            if deadline is not None and time.monotonic() >= deadline:
                raise WaitTimeout(task_id, timeout or 0.0, last)


def _events(response: Any, conn: Connection, deadline: Optional[float]) -> Iterable[Task]:
    """The ``data`` of each server-sent event; the read timeout follows the deadline."""
    data: List[str] = []
    while True:
        conn.set_read_timeout(_left(deadline, 45.0))  # the node sends a keep-alive every 15 s
        line = response.readline()
        if not line:
            return
        text = line.decode().rstrip("\r\n")
        if text.startswith("data:"):
            value = text[5:]
            data.append(value[1:] if value.startswith(" ") else value)
        elif not text and data:
            yield json.loads("\n".join(data))
            data = []


def _left(deadline: Optional[float], most: float) -> float:
    if deadline is None:
        return most
    return max(0.001, min(most, deadline - time.monotonic()))


def _path(task_id: str) -> str:
    return "/tasks/" + quote(str(task_id), safe="")


def _options(task: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in task.items() if k not in ("kind", "args")}


def _submission(kind: str, args: Optional[Mapping[str, Any]], options: Mapping[str, Any]) -> dict:
    body: Dict[str, Any] = {"kind": kind}
    if args is not None:
        body["args"] = args
    for name, value in options.items():
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None:
                raise ValueError(f"{name} needs a timezone (an aware datetime)")
            value = value.isoformat()
        body[name] = duration(value)
    return body
