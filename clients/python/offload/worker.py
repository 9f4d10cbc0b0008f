"""Running tasks in this process: :class:`Worker`, the remote worker of docs/workers.md.

One process holds a pool of ``concurrency`` handler threads and loops, each on a connection of its
own: claimers (long polls for as many attempts as there are free threads), flushers (send finished
attempts' outcomes in batches, and progress), and the heartbeat (renews every lease held in one
request per registration and learns of cancels). Batching is what makes a Python process fast: one
claim brings up to 100 attempts, one request reports every outcome that finished meanwhile.

A claim's answer takes the node milliseconds, and the node lets one claim per worker wait at a time.
So a worker with more than 100 threads registers once per 100 of them (at most 4 times, with the
same name), a *lane* each with its own claimer and its share of the threads: the node answers one
lane's claim while the worker runs the attempts of another's, and claims for all waiting lanes in one
statement.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import queue
import signal
import socket
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._http import Connection, duration, encode, parse_duration
from .errors import BadRequest, Conflict, Forbidden, NotFound, OffloadError, Unauthorized

log = logging.getLogger("offload.worker")

Duration = Union[float, str, _dt.timedelta]
Handler = Callable[[Dict[str, Any], "Context"], Any]

#: The most attempts one claim may ask for, and outcomes or lease tokens one request may carry.
_CLAIM_MAX = 100
_BATCH_MAX = 1000
#: The most lanes (registrations, so claims in flight) and outcome batches in flight at once.
_LANES_MAX = 4
#: Error messages are cut to this many characters.
_ERROR_CHARS = 4000


class Discard(Exception):
    """Raise in a handler to end the task ``discarded`` now, whatever attempts it has left."""


class RetryLater(Exception):
    """Raise in a handler to fail this attempt and retry after ``retry_in`` (seconds, ``"30s"`` or
    a timedelta) instead of the node's backoff; the attempt counts."""

    def __init__(self, message: str = "retry later", retry_in: Duration = 1.0) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class Stopped(Exception):
    """What a handler may raise once ``ctx.stop_requested`` is set (any exception will do)."""


class Context:
    """What a handler knows of its attempt, and how it reports back.

    ``task`` is the task resource; ``task_id``, ``kind``, ``attempt`` (1 for the first) and
    ``lease_token`` are taken from it and from the claim; ``timeout_at`` is when the node ends the
    attempt (ISO text); ``worker_id`` the registration that claimed it.
    """

    __slots__ = (
        "task", "task_id", "kind", "attempt", "lease_token", "timeout_at",
        "worker_id", "_worker", "_lane", "_token_json", "_stop", "_reason", "_done", "_claimed",
    )

    def __init__(self, worker: "Worker", lane: "_Lane", attempt: Mapping[str, Any]) -> None:
        self.task: Dict[str, Any] = attempt["task"]
        self.task_id: str = self.task["id"]
        self.kind: str = self.task["kind"]
        self.attempt: int = attempt["attempt"]
        self.lease_token: str = attempt["lease_token"]
        self.timeout_at: Optional[str] = attempt.get("timeout_at")
        #: The id of the registration that claimed the attempt (its reports go to it).
        self.worker_id: str = lane.id or ""
        self._worker = worker
        self._lane = lane
        self._token_json = json.dumps(self.lease_token).encode()
        self._stop = threading.Event()
        self._reason: Optional[str] = None  # why stop was requested: cancel, shutdown, lost
        self._done = False  # an outcome is queued (or was sent); later ones are dropped
        self._claimed = time.perf_counter()

    @property
    def args(self) -> Dict[str, Any]:
        return self.task.get("args") or {}

    @property
    def stop_requested(self) -> bool:
        """True once the task's cancel was requested, its lease was lost (timed out, rescued), or
        the worker is stopping after its grace: the handler should return or raise soon."""
        return self._stop.is_set()

    @property
    def cancel_requested(self) -> bool:
        """True when the stop comes from a cancel of the task (seen through the heartbeat)."""
        return self._reason == "cancel"

    def wait(self, seconds: float) -> bool:
        """Sleeps up to ``seconds``, waking early when stop is requested; returns
        :attr:`stop_requested`. A handler's ``time.sleep`` replacement."""
        return self._stop.wait(seconds)

    def progress(self, fraction: float, message: Optional[str] = None) -> None:
        """Reports progress, 0..1, with an optional message (at most 1,000 characters). Cheap to
        call often: only the latest value is sent, by the worker's flusher, not by this thread."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"progress must be from 0 to 1, got {fraction!r}")
        body: Dict[str, Any] = {"lease_token": self.lease_token, "progress": fraction}
        if message is not None:
            body["message"] = message
        self._worker._queue_progress(self, encode(body))

    def _request_stop(self, reason: str) -> None:
        if self._reason is None:
            self._reason = reason
        self._stop.set()


class Worker:
    """Runs the tasks of the kinds it registers, pulled from an Offload node over HTTP.

    >>> worker = Worker("http://127.0.0.1:8080", token=None, concurrency=8)
    >>> @worker.task("resize")
    ... def resize(args, ctx):
    ...     ctx.progress(0.5, "halfway")
    ...     return {"width": args["width"]}
    >>> worker.run()  # until SIGTERM or SIGINT

    A handler's return value (any JSON) completes the task; an exception fails the attempt (the
    node retries it with backoff until ``max_attempts``), :class:`Discard` ends it discarded and
    :class:`RetryLater` chooses the delay. On SIGTERM or SIGINT the worker stops claiming, lets
    running attempts finish within ``grace`` seconds, then hands the rest back to the node (the
    attempt does not count) and returns; a second signal skips the rest of the grace.
    """

    def __init__(
        self,
        url: str,
        token: Optional[str] = None,
        concurrency: int = 8,
        *,
        name: Optional[str] = None,
        queues: Sequence[str] = ("default",),
        grace: float = 30.0,
        claim_wait: float = 30.0,
        timeout: float = 30.0,
    ) -> None:
        """``token`` needs the ``work`` scope; ``concurrency`` (1..1000) is the number of handler
        threads, so of attempts at once; ``name`` shows in the tasks' ``attempted_by`` (default
        ``host-pid``); ``claim_wait`` is how long one claim waits for work (at most 60 s)."""
        if not 1 <= concurrency <= 1000:
            raise ValueError("concurrency must be from 1 to 1000")
        self.url = url
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.concurrency = concurrency
        self.queues = list(queues)
        self.grace = grace
        self.claim_wait = claim_wait
        self._token = token
        self._timeout = timeout
        self._handlers: Dict[str, Handler] = {}
        self._schemas: Dict[str, Mapping[str, Any]] = {}
        self._lock = threading.Lock()
        self._slots = threading.Condition(self._lock)  # an attempt ended: a thread is free
        self._pending = threading.Condition(self._lock)  # outcomes or progress to send
        self._running: Dict[str, Context] = {}  # by lease token, until the node has its outcome
        lanes = min(_LANES_MAX, -(-concurrency // _CLAIM_MAX))
        self._lanes = [_Lane(i, concurrency // lanes + (i < concurrency % lanes),
                             Connection(url, token, timeout)) for i in range(lanes)]
        self._outcomes: List[Tuple[Context, bytes]] = []
        self._progress: Dict[str, Tuple[Context, bytes]] = {}
        self._flushing = True
        self._jobs: "queue.SimpleQueue[Optional[Context]]" = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._signals = 0
        self._fatal: Optional[BaseException] = None
        self._register_lock = threading.Lock()
        self._register_conn = Connection(url, token, timeout)
        self._heartbeat_stop = threading.Event()
        self._heartbeat_interval = 20.0
        self._lease = 60.0

    def task(
        self, kind: str, *, args_schema: Optional[Mapping[str, Any]] = None
    ) -> Callable[[Handler], Handler]:
        """Registers the decorated function as the handler of ``kind``: ``fn(args, ctx)``.

        ``args_schema``, a JSON Schema (draft 2020-12), makes the node check the args of every
        submission of ``kind`` (400 ``invalid_args`` naming the field)."""

        def register(fn: Handler) -> Handler:
            self._handlers[kind] = fn
            if args_schema is not None:
                self._schemas[kind] = args_schema
            return fn

        return register

    @property
    def id(self) -> Optional[str]:
        """The id the node gave this worker when it registered (None before); with several lanes,
        the first one's (``ids`` has them all)."""
        return self._lanes[0].id

    @property
    def ids(self) -> List[Optional[str]]:
        return [lane.id for lane in self._lanes]

    def stop(self) -> None:
        """Asks :meth:`run` to stop, as SIGTERM does; from any thread."""
        self._stopping.set()

    def run(self, install_signal_handlers: bool = True) -> None:
        """Registers, then runs tasks until SIGTERM, SIGINT or :meth:`stop`; returns once running
        attempts have finished or been handed back. Signal handlers are installed only when called
        from the main thread. Raises what the node refused for good (a bad token, a kind that is
        built into the node, an invalid schema)."""
        if not self._handlers:
            raise ValueError("no handlers: register one with @worker.task(kind)")
        previous = {}
        if install_signal_handlers and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, self._on_signal)
        try:
            self._register_until_done()
            if None in self.ids:  # stopped while registering
                self._unregister()
                return
            handlers = [
                _thread(self._handle_loop, f"offload-handler-{i}")
                for i in range(self.concurrency)
            ]
            claimers = [_thread(lambda lane=lane: self._claim_loop(lane),
                                f"offload-claimer-{lane.index}") for lane in self._lanes]
            flushers = [_thread(self._flush_loop, f"offload-flusher-{lane.index}")
                        for lane in self._lanes]
            heartbeat = _thread(self._heartbeat_loop, "offload-heartbeat")
            # A signal handler must not take a lock the interrupted code may hold: it only counts,
            # and this loop looks.
            while not self._stopping.is_set() and not self._signals:
                time.sleep(0.05)
            self._shutdown(claimers, flushers, heartbeat, len(handlers))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self._fatal is not None:
            raise self._fatal

    def _on_signal(self, signum: int, frame: Any) -> None:
        self._signals += 1

    # -- registering -------------------------------------------------------------------------

    def _register(self, lane: "_Lane") -> None:
        kinds: List[Any] = [
            {"kind": k, "args_schema": self._schemas[k]} if k in self._schemas else k
            for k in self._handlers
        ]
        body = {"name": self.name, "kinds": kinds, "queues": self.queues,
                "concurrency": lane.slots}
        answer = self._register_conn.call("POST", "/workers", body)[1]
        self._heartbeat_interval = parse_duration(answer["heartbeat_interval"])
        self._lease = parse_duration(answer["lease"])
        lane.id = answer["id"]
        log.info("worker %s registered as %s for %s (%d threads)", self.name, lane.id,
                 ", ".join(self._handlers), lane.slots)

    def _register_until_done(self) -> None:
        trouble = _Trouble("registering")
        for lane in self._lanes:
            while lane.id is None and not self._stopping.is_set() and not self._signals:
                try:
                    with self._register_lock:
                        self._register(lane)
                except (BadRequest, Unauthorized, Forbidden, Conflict):
                    raise
                except (OffloadError, OSError) as e:
                    trouble.failed(e, self._stopping)

    def _register_again(self, lane: "_Lane", stale_id: Optional[str]) -> None:
        """After a 404 worker_not_found: the node forgot this worker (it was not seen for a while)."""
        with self._register_lock:
            if lane.id == stale_id:
                log.warning("the node does not know worker %s any more: registering again", stale_id)
                self._register(lane)

    # -- claiming ----------------------------------------------------------------------------

    def _claim_loop(self, lane: "_Lane") -> None:
        trouble = _Trouble("claiming")
        wait = f"{self.claim_wait:g}s".encode()
        while not self._stopping.is_set():
            with self._lock:
                while lane.held >= lane.slots and not self._stopping.is_set():
                    self._slots.wait()
                wanted = min(_CLAIM_MAX, lane.slots - lane.held)
            if self._stopping.is_set():
                break
            worker_id = lane.id
            body = b'{"max":%d,"wait":"%s"}' % (wanted, wait)
            try:
                answer = lane.conn.call("POST", f"/workers/{worker_id}/claim", raw_body=body,
                                        timeout=self.claim_wait + 15)[1]
                trouble.ok()
            except NotFound:
                self._guard(lambda: self._register_again(lane, worker_id), trouble)
                continue
            except (BadRequest, Unauthorized, Forbidden) as e:
                self._fail_for_good(e)
                break
            except (OffloadError, OSError) as e:
                if not self._stopping.is_set():
                    trouble.failed(e, self._stopping)
                continue
            self._start([Context(self, lane, a) for a in answer["attempts"]])
        lane.conn.close()

    def _start(self, contexts: List[Context]) -> None:
        with self._lock:
            for ctx in contexts:
                self._running[ctx.lease_token] = ctx
                ctx._lane.held += 1
        if self._stopping.is_set():  # claimed while stopping: hand them back at once
            for ctx in contexts:
                self._finish(ctx, _release(ctx), "released")
            return
        for ctx in contexts:
            self._jobs.put(ctx)

    def _guard(self, action: Callable[[], None], trouble: "_Trouble") -> None:
        try:
            action()
        except (OffloadError, OSError) as e:
            trouble.failed(e, self._stopping)

    def _fail_for_good(self, error: BaseException) -> None:
        log.error("worker %s stops: %s", self.name, error)
        self._fatal = error
        self._stopping.set()

    # -- running -----------------------------------------------------------------------------

    def _handle_loop(self) -> None:
        while True:
            ctx = self._jobs.get()
            if ctx is None:
                return
            self._run(ctx)

    def _run(self, ctx: Context) -> None:
        handler = self._handlers.get(ctx.kind)
        try:
            if handler is None:
                raise Discard(f"worker {self.name} has no handler for kind {ctx.kind}")
            result = handler(ctx.args, ctx)
            try:
                outcome = b'{"lease_token":%s,"complete":{"result":%s}}' % (
                    ctx._token_json, encode(result))
            except (TypeError, ValueError) as e:
                raise TypeError(f"the result is not JSON: {e}") from e
            self._finish(ctx, outcome, "completed")
        except Discard as e:
            self._finish(ctx, _fail(ctx, str(e) or "discarded", discard=True), "discarded", e)
        except RetryLater as e:
            self._finish(ctx, _fail(ctx, str(e), retry_in=duration(e.retry_in)), "failed", e)
        except BaseException as e:  # noqa: B902 - a handler's SystemExit must not kill its thread
            if ctx._reason == "shutdown":
                self._finish(ctx, _release(ctx), "released")
            else:
                reason = "cancelled" if ctx._reason == "cancel" else "failed"
                self._finish(ctx, _fail(ctx, f"{type(e).__name__}: {e}"), reason, e)

    def _finish(
        self, ctx: Context, outcome: bytes, what: str, error: Optional[BaseException] = None
    ) -> None:
        """Queues the attempt's outcome for the flusher, and logs the attempt's one line."""
        with self._lock:
            dropped = ctx._done
            if not dropped:
                ctx._done = True
                self._outcomes.append((ctx, outcome))
                self._progress.pop(ctx.lease_token, None)
                self._pending.notify()
        level = logging.WARNING if error is not None and what != "cancelled" else logging.INFO
        if dropped:  # its handler ended after the attempt was handed back at shutdown
            if what == "released":
                return
            what, level = f"{what} after it was handed back (outcome dropped)", logging.INFO
        if log.isEnabledFor(level):
            suffix = f": {type(error).__name__}: {error}" if error is not None else ""
            log.log(level, "%s %s attempt %d %s in %.1f ms%s", ctx.kind, ctx.task_id, ctx.attempt,
                    what, (time.perf_counter() - ctx._claimed) * 1000, suffix)

    def _queue_progress(self, ctx: Context, body: bytes) -> None:
        with self._lock:
            if not ctx._done:
                self._progress[ctx.lease_token] = (ctx, body)
                self._pending.notify()

    # -- reporting ---------------------------------------------------------------------------

    def _flush_loop(self) -> None:
        conn = Connection(self.url, self._token, self._timeout)
        while True:
            with self._lock:
                while not self._outcomes and not self._progress and self._flushing:
                    self._pending.wait()
                if not self._outcomes and not self._progress:
                    break
                batch = self._outcomes[:_BATCH_MAX]
                del self._outcomes[:_BATCH_MAX]
                progress = list(self._progress.values())
                self._progress.clear()
            for ctx, body in progress:
                self._send_progress(conn, ctx, body)
            by_lane: Dict[int, List[Tuple[Context, bytes]]] = {}
            for item in batch:
                by_lane.setdefault(item[0]._lane.index, []).append(item)
            for lane_batch in by_lane.values():
                self._send_outcomes(conn, lane_batch)
        conn.close()

    def _send_progress(self, conn: Connection, ctx: Context, body: bytes) -> None:
        try:
            conn.call("POST", f"/workers/{ctx.worker_id}/progress", raw_body=body)
        except Conflict:
            pass  # the attempt has ended meanwhile
        except (OffloadError, OSError) as e:
            log.warning("%s %s: progress not sent: %s", ctx.kind, ctx.task_id, e)

    def _send_outcomes(self, conn: Connection, batch: List[Tuple[Context, bytes]]) -> None:
        """Reports the outcomes of one lane's attempts."""
        lane = batch[0][0]._lane
        body = b'{"outcomes":[%s]}' % b",".join(outcome for _, outcome in batch)
        trouble = _Trouble("reporting outcomes")
        # Past its lease an attempt is the node's to rescue: the outcome would be refused then.
        give_up = time.monotonic() + self._lease
        answers: Optional[List[Dict[str, Any]]] = None
        while answers is None and time.monotonic() < give_up:
            worker_id = lane.id
            try:
                answers = conn.call("POST", f"/workers/{worker_id}/outcomes", raw_body=body)[1][
                    "outcomes"]
                trouble.ok()
            except NotFound:
                self._guard(lambda: self._register_again(lane, worker_id), trouble)
            except (OffloadError, OSError) as e:
                trouble.failed(e, None)
        again: List[Tuple[Context, bytes]] = []
        for i, (ctx, _) in enumerate(batch):
            answer = answers[i] if answers is not None else {"status": 0}
            status = answer["status"]
            if status == 204:
                continue
            if status == 413:
                again.append((ctx, _fail(ctx, "the result is over the node's payload limit")))
            elif status == 409:
                log.info("%s %s attempt %d: the node refused its outcome (%s): the attempt is no "
                         "longer this worker's", ctx.kind, ctx.task_id, ctx.attempt,
                         answer.get("error", {}).get("message", "stale lease"))
            elif answers is None:
                log.error("%s %s attempt %d: outcome not delivered; the lease will bring it back",
                          ctx.kind, ctx.task_id, ctx.attempt)
            else:
                log.error("%s %s attempt %d: outcome refused: %s", ctx.kind, ctx.task_id,
                          ctx.attempt, answer.get("error"))
        with self._lock:
            retried = {id(ctx) for ctx, _ in again}
            for ctx, _ in batch:
                if id(ctx) not in retried and self._running.pop(ctx.lease_token, None):
                    lane.held -= 1
            self._outcomes.extend(again)
            self._slots.notify_all()

    def _heartbeat_loop(self) -> None:
        conn = Connection(self.url, self._token, self._timeout)
        trouble = _Trouble("heartbeat")
        while not self._heartbeat_stop.wait(self._heartbeat_interval):
            for lane in self._lanes:
                with self._lock:
                    held = {t: c for t, c in self._running.items() if c._lane is lane}
                try:
                    self._heartbeat(conn, lane, held)
                    trouble.ok()
                except (OffloadError, OSError) as e:
                    trouble.failed(e, None, sleep=False)
        conn.close()

    def _heartbeat(self, conn: Connection, lane: "_Lane", held: Dict[str, Context]) -> None:
        """Renews the leases of one lane's attempts; stops those the node has taken back or whose
        cancel was requested."""
        tokens = list(held)
        worker_id = lane.id
        for i in range(0, max(1, len(tokens)), _BATCH_MAX):
            try:
                answer = conn.call("POST", f"/workers/{worker_id}/heartbeat",
                                   {"lease_tokens": tokens[i:i + _BATCH_MAX]})[1]
            except NotFound:
                self._register_again(lane, worker_id)
                return
            for lease in answer["leases"]:
                ctx = held.get(lease["lease_token"])
                if ctx is None:
                    continue
                if not lease["ok"]:
                    ctx._request_stop("lost")
                elif lease.get("cancel_requested"):
                    ctx._request_stop("cancel")

    # -- stopping ----------------------------------------------------------------------------

    def _shutdown(
        self, claimers: List[threading.Thread], flushers: List[threading.Thread],
        heartbeat: threading.Thread, handlers: int,
    ) -> None:
        self._stopping.set()
        with self._lock:
            self._slots.notify_all()
            running = len(self._running)
        log.info("worker %s stopping: %d attempts running, %g s to finish", self.name, running,
                 self.grace)
        for lane in self._lanes:
            lane.conn.abort()  # the long polls in flight
        for claimer in claimers:
            claimer.join(5)
        deadline = time.monotonic() + self.grace
        signals = self._signals  # one more signal during the grace cuts it short
        with self._lock:
            while self._running and self._signals <= signals:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._slots.wait(min(left, 0.1))
            late = [ctx for ctx in self._running.values() if not ctx._done]
        for ctx in late:
            ctx._request_stop("shutdown")
            self._finish(ctx, _release(ctx), "released")
        with self._lock:
            self._flushing = False
            self._pending.notify_all()
        for flusher in flushers:
            flusher.join(self._lease)
        self._heartbeat_stop.set()
        heartbeat.join(5)
        self._unregister()
        for _ in range(handlers):
            self._jobs.put(None)
        log.info("worker %s stopped", self.name)


    def _unregister(self) -> None:
        for lane in self._lanes:
            if lane.id is None:
                continue
            try:
                # Whatever the node still counts as this worker's goes back too.
                self._register_conn.call("DELETE", f"/workers/{lane.id}")
            except (OffloadError, OSError) as e:
                log.warning("worker %s: could not unregister %s: %s", self.name, lane.id, e)
        self._register_conn.close()


class _Lane:
    """One registration of a worker with the node: its id, its share of the threads (``slots``),
    the attempts it holds, and the connection of its claims (the node lets one wait at a time)."""

    __slots__ = ("index", "slots", "id", "held", "conn")

    def __init__(self, index: int, slots: int, conn: Connection) -> None:
        self.index = index
        self.slots = slots
        self.id: Optional[str] = None
        self.held = 0
        self.conn = conn


def _thread(target: Callable[[], None], name: str) -> threading.Thread:
    # Daemon threads: a handler that ignores stop_requested must not keep the process alive.
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


def _fail(ctx: Context, error: str, retry_in: Any = None, discard: bool = False) -> bytes:
    if len(error) > _ERROR_CHARS:
        error = error[:_ERROR_CHARS] + "..."
    fail: Dict[str, Any] = {"error": error}
    if retry_in is not None:
        fail["retry_in"] = retry_in
    if discard:
        fail["discard"] = True
    return b'{"lease_token":%s,"fail":%s}' % (ctx._token_json, encode(fail))


def _release(ctx: Context) -> bytes:
    return b'{"lease_token":%s,"release":{}}' % ctx._token_json


class _Trouble:
    """Retrying with backoff (100 ms doubling to 5 s, or the node's Retry-After), logging one
    WARNING when failures start and one INFO when they end, not one line per retry."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._pause = 0.1
        self._failing: Optional[str] = None

    def failed(self, error: BaseException, stop: Optional[threading.Event],
               sleep: bool = True) -> None:
        text = f"{type(error).__name__}: {error}"
        if text != self._failing:
            log.warning("%s failed, retrying: %s", self._what, text)
            self._failing = text
        if sleep:
            pause = getattr(error, "retry_after", None) or self._pause
            if stop is not None:
                stop.wait(pause)
            else:
                time.sleep(pause)
            self._pause = min(self._pause * 2, 5.0)

    def ok(self) -> None:
        if self._failing is not None:
            log.info("%s works again", self._what)
            self._failing = None
            self._pause = 0.1
