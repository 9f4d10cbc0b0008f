"""Workers in processes of their own: killed with SIGKILL mid-task, stopped with SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

import offload
from offload._http import Connection
from tests.node import shared_node, unique_kind

SCRIPT = Path(__file__).resolve().parent / "worker_process.py"


class WorkerProcessTest(unittest.TestCase):
    def setUp(self) -> None:
        self.node = shared_node()
        self.client = offload.Offload(self.node.url, self.node.token)
        self.addCleanup(self.client.close)
        self.kind = unique_kind("proc")

    def spawn(self, name: str, concurrency: int = 1, grace: float = 30) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), self.node.url, self.node.token, self.kind, name,
             str(concurrency), str(grace)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(process.stdout.close)
        self.addCleanup(lambda: process.poll() is None and (process.kill(), process.wait()))
        deadline = time.monotonic() + 30
        with Connection(self.node.url, self.node.token) as conn:
            while name not in [w["name"] for w in conn.call("GET", "/workers")[1]["workers"]]:
                self.assertIsNone(process.poll(), "the worker process ended")
                self.assertLess(time.monotonic(), deadline, f"{name} did not register")
                time.sleep(0.05)
        return process

    def started(self, process: subprocess.Popen) -> dict:
        """The next attempt the process reports starting (its handler prints a line)."""
        line = process.stdout.readline()
        self.assertTrue(line, "the worker process ended without starting an attempt")
        return json.loads(line)

    def test_a_killed_workers_task_is_rescued_after_the_lease_and_its_late_complete_is_refused(
            self) -> None:
        doomed = self.spawn("doomed")
        task = self.client.submit(self.kind, {"seconds": 600}, max_attempts=3)
        attempt = self.started(doomed)
        self.assertEqual(attempt["task_id"], task["id"])
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)

        rescuer = offload.Worker(self.node.url, self.node.token, 1, name="rescuer", grace=2)
        rescuer.task(self.kind)(lambda args, ctx: "rescued")
        thread = threading.Thread(target=rescuer.run, kwargs={"install_signal_handlers": False})
        thread.start()
        self.addCleanup(lambda: (rescuer.stop(), thread.join(30)))
        # The test node's lease is 3 s: the rescue comes within seconds.
        done = self.client.wait(task["id"], timeout=30)
        self.assertEqual((done["state"], done["attempt"], done["result"]), ("completed", 2, "rescued"))
        self.assertEqual(done["attempted_by"], "rescuer")
        self.assertEqual(len(done["errors"]), 1)

        late = Connection(self.node.url, self.node.token)
        self.addCleanup(late.close)
        with self.assertRaises(offload.Conflict) as raised:
            late.call("POST", f"/workers/{attempt['worker_id']}/complete",
                      {"lease_token": attempt["lease_token"], "result": "late"})
        self.assertEqual(raised.exception.code, "stale_lease")
        self.assertEqual(self.client.get(task["id"])["result"], "rescued")

    def test_sigterm_lets_running_tasks_finish_and_hands_the_rest_back_uncounted(self) -> None:
        worker = self.spawn("terminated", concurrency=2, grace=2.5)
        quick = self.client.submit(self.kind, {"seconds": 1})
        slow = self.client.submit(self.kind, {"seconds": 600})
        started = {self.started(worker)["task_id"], self.started(worker)["task_id"]}
        self.assertEqual(started, {quick["id"], slow["id"]})
        waiting = self.client.submit(self.kind, {"seconds": 0})  # no free thread: not claimed

        signalled = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        self.assertEqual(worker.wait(20), 0)
        self.assertLess(time.monotonic() - signalled, 2.5 + 5)

        finished = self.client.get(quick["id"])
        self.assertEqual((finished["state"], finished["attempt"]), ("completed", 1))
        for handed_back in (self.client.get(slow["id"]), self.client.get(waiting["id"])):
            self.assertEqual(handed_back["state"], "available")
            self.assertEqual(handed_back["attempt"], 0)  # the attempt did not count
            self.assertEqual(handed_back["errors"], [])


if __name__ == "__main__":
    unittest.main()
