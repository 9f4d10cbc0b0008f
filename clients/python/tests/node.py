"""A real Offload node for the tests: the packaged jar as a process on a free port, in a schema of
its own (dropped before and after), with a short lease so that rescues happen in seconds.

``OFFLOAD_JAR`` names the jar (default: the repository's target/offload.jar, built by
``mvn package``); ``TEST_DATABASE_URL`` the database, as for the Java tests.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Dict, Optional

REPO = Path(__file__).resolve().parents[3]
DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TOKEN = "clients-test-token-0123456789"
#: A token without the ``work`` scope.
READ_TOKEN = "clients-read-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql: str) -> str:
    return subprocess.run(["psql", DATABASE_URL, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
                          check=True, capture_output=True, text=True).stdout


class Node:
    """An Offload node process; ``url`` is its base URL, ``token`` has every scope workers need."""

    def __init__(self, name: str, env: Optional[Dict[str, str]] = None) -> None:
        self.name = name
        self.schema = f"{name.replace('-', '_')}_{os.getpid()}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = TOKEN
        self.log = REPO / "target" / "clients-logs" / f"{name}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        psql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        tokens = {"tests": {"token": TOKEN, "scopes": ["read", "submit", "work"]},
                  "reader": {"token": READ_TOKEN, "scopes": ["read"]}}
        settings = {
            "OFFLOAD_NODE_ID": name,
            "OFFLOAD_HTTP_PORT": str(self.port),
            "OFFLOAD_DATABASE_URL": DATABASE_URL,
            "OFFLOAD_DATABASE_SCHEMA": self.schema,
            "OFFLOAD_TOKENS": json.dumps(tokens),
            "OFFLOAD_LEASE": "3s",
            "OFFLOAD_TASKS_RETRY_BASE": "100ms",
            "OFFLOAD_TASKS_PROGRESS_INTERVAL": "50ms",
            "OFFLOAD_NODE_SHUTDOWN_GRACE": "1s",
        }
        settings.update(env or {})
        jar = os.environ.get("OFFLOAD_JAR", str(REPO / "target" / "offload.jar"))
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(["java", "-Xmx256m", "-jar", jar],
                                            env={**os.environ, **settings},
                                            stdout=out, stderr=subprocess.STDOUT)
        self._await_ready()

    def _await_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node {self.name} exited at start; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/ready", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"node {self.name} not ready within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        psql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


_shared: Optional[Node] = None


def shared_node() -> Node:
    """One node for the whole test run, started on first use and stopped at exit. Tests keep out
    of each other's way by using kinds of their own (:func:`unique_kind`)."""
    global _shared
    if _shared is None:
        _shared = Node("clients-python")
        atexit.register(_shared.stop)
    return _shared


_kinds = 0


def unique_kind(name: str) -> str:
    global _kinds
    _kinds += 1
    return f"{name}.{os.getpid()}.{_kinds}.{int(time.time() * 1000) % 100000}"


def seconds_between(earlier: str, later: str) -> float:
    """Seconds from one of the node's ISO timestamps to another."""
    def parse(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))

    return (parse(later) - parse(earlier)).total_seconds()
