"""One keep-alive HTTP connection to a node, JSON in and out (internal).

http.client rather than urllib: a connection is kept open across requests (urllib opens one per
request), which matters to a worker making thousands of calls a second. A connection serves one
thread at a time; the client keeps one per thread, the worker one per loop.
"""

from __future__ import annotations

import datetime as _dt
import http.client
import json
import socket
import ssl
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

from .errors import OffloadError, error_for

# Errors of a kept-alive connection that the node closed while it was idle (http.keep_alive_timeout):
# the request never reached it, so it is sent again once on a fresh connection.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def encode(value: Any) -> bytes:
    """JSON as the node takes it: compact UTF-8; NaN and infinities refused here, not by the node."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def duration(value: Any) -> Any:
    """A duration option as the API takes it: a timedelta becomes seconds; strings pass as they are."""
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    return value


def parse_duration(text: str) -> float:
    """Seconds of a duration the node shows: ``"500ms"``, ``"20s"``, ``"1m"``, ``"1h"``, ``"7d"``, ``"2"``."""
    for suffix, factor in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0), ("d", 86400.0)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


class Connection:
    """A keep-alive connection to ``base_url``, sending ``Authorization: Bearer token`` if given."""

    def __init__(self, base_url: str, token: Optional[str] = None, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._conn: Optional[http.client.HTTPConnection] = None
        self._aborted = False

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        if self._https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self._host, self._port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        conn.connect()
        # Small requests back to back: do not let Nagle hold one back waiting for an ACK.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def send(
        self,
        method: str,
        path: str,
        body: Optional[bytes] = None,
        timeout: Optional[float] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> http.client.HTTPResponse:
        """Sends a request and returns the response with its body unread (for streams)."""
        all_headers = dict(self._headers)
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if headers:
            all_headers.update(headers)
        wait = self._timeout if timeout is None else timeout
        for fresh in (self._conn is None, True):
            if self._aborted:
                raise ConnectionAbortedError("the connection was aborted")
            if self._conn is None or self._conn.sock is None:
                self.close()
                self._conn = self._connect(wait)
            else:
                self._conn.sock.settimeout(wait)
            try:
                self._conn.request(method, self._prefix + path, body, all_headers)
                return self._conn.getresponse()
            except _STALE:
                self.close()
                if fresh or self._aborted:
                    raise
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        timeout: Optional[float] = None,
        raw_body: Optional[bytes] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Tuple[int, Any]:
        """Sends a request with a JSON body and returns ``(status, parsed JSON or None)``.

        An answer of 400 or more raises the matching :class:`~offload.OffloadError`.
        """
        data = raw_body if raw_body is not None else (None if body is None else encode(body))
        response = self.send(method, path, data, timeout, headers)
        try:
            payload = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        status = response.status
        if status >= 400:
            raise _error(status, payload, response.getheader("Retry-After"))
        return status, (json.loads(payload) if payload else None)

    def set_read_timeout(self, seconds: float) -> None:
        """The timeout of the next reads of a streamed response."""
        if self._conn is not None and self._conn.sock is not None:
            self._conn.sock.settimeout(seconds)

    def abort(self) -> None:
        """Ends a request in flight on another thread (a long poll): it fails with an OSError, and
        so does every later one."""
        self._aborted = True
        conn = self._conn
        if conn is not None and conn.sock is not None:
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def response_error(response: http.client.HTTPResponse) -> OffloadError:
    """The error of a response of 400 or more whose body has not been read."""
    return _error(response.status, response.read(), response.getheader("Retry-After"))


def _error(status: int, payload: bytes, retry_after: Optional[str]) -> OffloadError:
    code, message = "http_error", payload[:500].decode(errors="replace")
    try:
        error = json.loads(payload)["error"]
        code, message = error["code"], error["message"]
    except (ValueError, KeyError, TypeError):
        pass
    seconds = None
    if retry_after is not None:
        try:
            seconds = float(retry_after)
        except ValueError:
            pass
    return error_for(status, code, message, seconds)
