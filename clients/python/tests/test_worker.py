"""The worker against a real node, in this process: complete, retry, discard, progress, cancel,
args schemas, and the long poll's wake-up."""

from __future__ import annotations

import statistics
import threading
import time
import unittest
from typing import Callable

import offload
from tests.node import seconds_between, shared_node, unique_kind


class WorkerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.node = shared_node()
        self.client = offload.Offload(self.node.url, self.node.token)
        self.addCleanup(self.client.close)
        self.kind = unique_kind("py")

    def start(self, handler: Callable, concurrency: int = 4, schema=None,
              queues=("default",)) -> offload.Worker:
        """A worker of ``self.kind`` running ``handler`` on a thread until the test ends."""
        worker = offload.Worker(self.node.url, self.node.token, concurrency,
                                name=f"py-{self._testMethodName}"[:100], grace=2, queues=queues)
        worker.task(self.kind, args_schema=schema)(handler)
        thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False})
        thread.start()

        def stop() -> None:
            worker.stop()
            thread.join(30)
            self.assertFalse(thread.is_alive(), "the worker did not stop")

        worker.stop_and_join = stop  # type: ignore[attr-defined]
        self.addCleanup(stop)
        deadline = time.monotonic() + 30
        while worker.id is None:
            self.assertLess(time.monotonic(), deadline, "the worker did not register")
            time.sleep(0.01)
        return worker

    def test_a_handlers_result_completes_the_task(self) -> None:
        worker = self.start(lambda args, ctx: {"echo": args, "attempt": ctx.attempt})
        task = self.client.submit(self.kind, {"n": 1})
        done = self.client.wait(task["id"], timeout=30)
        self.assertEqual(done["state"], "completed")
        self.assertEqual(done["result"], {"echo": {"n": 1}, "attempt": 1})
        self.assertEqual(done["attempted_by"], worker.name)
        self.assertEqual(done["errors"], [])

    def test_a_failed_attempt_is_retried_after_a_backoff(self) -> None:
        def flaky(args, ctx):
            if ctx.attempt == 1:
                raise ValueError("boom")
            return "second time lucky"

        self.start(flaky)
        done = self.client.wait(self.client.submit(self.kind)["id"], timeout=30)
        self.assertEqual((done["state"], done["attempt"]), ("completed", 2))
        self.assertEqual(done["result"], "second time lucky")
        self.assertEqual(len(done["errors"]), 1)
        self.assertIn("ValueError: boom", done["errors"][0]["message"])
        # tasks.retry_base is 100 ms on the test node: the first backoff is drawn from 50..100 ms.
        self.assertGreaterEqual(seconds_between(done["errors"][0]["at"], done["attempted_at"]), 0.05)

    def test_retry_later_chooses_the_delay(self) -> None:
        def rate_limited(args, ctx):
            if ctx.attempt == 1:
                raise offload.RetryLater("rate limited", retry_in="1s")
            return "ok"

        self.start(rate_limited)
        done = self.client.wait(self.client.submit(self.kind)["id"], timeout=30)
        self.assertEqual((done["state"], done["attempt"]), ("completed", 2))
        self.assertIn("rate limited", done["errors"][0]["message"])
        self.assertGreaterEqual(seconds_between(done["errors"][0]["at"], done["attempted_at"]), 1.0)

    def test_discard_ends_the_task_whatever_attempts_are_left(self) -> None:
        def picky(args, ctx):
            raise offload.Discard("not an image")

        self.start(picky)
        done = self.client.wait(self.client.submit(self.kind, max_attempts=5)["id"], timeout=30)
        self.assertEqual((done["state"], done["attempt"]), ("discarded", 1))
        self.assertIn("not an image", done["errors"][0]["message"])

    def test_progress_shows_in_the_task_while_it_runs(self) -> None:
        seen = threading.Event()

        def slow(args, ctx):
            ctx.progress(0.5, "halfway")
            seen.wait(20)
            return "done"

        self.start(slow)
        task = self.client.submit(self.kind)
        deadline = time.monotonic() + 20
        while self.client.get(task["id"])["progress"] != 0.5:
            self.assertLess(time.monotonic(), deadline, "progress 0.5 never showed")
            time.sleep(0.02)
        seen.set()
        done = self.client.wait(task["id"], timeout=30)
        self.assertEqual((done["state"], done["progress"]), ("completed", 1))

    def test_a_cancel_reaches_the_running_handler_through_the_heartbeat(self) -> None:
        started, saw = threading.Event(), []

        def patient(args, ctx):
            started.set()
            ctx.wait(30)
            saw.append((ctx.stop_requested, ctx.cancel_requested))
            raise offload.Stopped("cancelled")

        self.start(patient)
        task = self.client.submit(self.kind)
        self.assertTrue(started.wait(20))
        self.assertEqual(self.client.cancel(task["id"])["state"], "running")
        done = self.client.wait(task["id"], timeout=20)
        self.assertEqual(done["state"], "cancelled")
        self.assertEqual(saw, [(True, True)])

    def test_an_args_schema_is_checked_at_submission(self) -> None:
        schema = {"type": "object", "required": ["width"],
                  "properties": {"width": {"type": "integer", "minimum": 1}}}
        self.start(lambda args, ctx: args["width"], schema=schema)
        with self.assertRaises(offload.BadRequest) as raised:
            self.client.submit(self.kind, {"width": "wide"})
        self.assertEqual(raised.exception.code, "invalid_args")
        self.assertIn("width", raised.exception.message)
        done = self.client.wait(self.client.submit(self.kind, {"width": 3})["id"], timeout=30)
        self.assertEqual(done["result"], 3)

    def test_tasks_of_a_registered_kind_wait_while_no_worker_runs(self) -> None:
        self.start(lambda args, ctx: "later").stop_and_join()
        task = self.client.submit(self.kind)
        self.assertEqual(self.client.get(task["id"])["state"], "available")
        self.start(lambda args, ctx: "later")
        self.assertEqual(self.client.wait(task["id"], timeout=30)["result"], "later")

    def test_an_idle_worker_starts_a_task_within_50_ms_of_its_submission(self) -> None:
        self.start(lambda args, ctx: None)
        self.client.wait(self.client.submit(self.kind)["id"], timeout=30)  # warm both sides up
        waits = []
        for _ in range(5):
            time.sleep(0.2)  # the worker is back in its long poll, idle
            done = self.client.wait(self.client.submit(self.kind)["id"], timeout=30)
            waits.append(seconds_between(done["created_at"], done["attempted_at"]))
        # The node's own timestamps; the median, so that one scheduling hiccup of a shared CI
        # machine does not decide.
        self.assertLessEqual(statistics.median(waits), 0.05, f"created to attempted: {waits}")

    def test_one_queue_served_by_worker_verticles_and_a_python_worker_runs_each_task_once(self) -> None:
        queue = f"mixed-{self.kind}"[:128]
        worker = self.start(lambda args, ctx: {"python": args["i"]}, concurrency=8, queues=[queue])
        # sleep is a blocking kind: the node's worker verticles run it; self.kind, the Python worker.
        tasks = []
        for i in range(40):
            if i % 2:
                tasks.append({"kind": self.kind, "queue": queue, "args": {"i": i}})
            else:
                tasks.append({"kind": "sleep", "queue": queue, "args": {"seconds": 0.01}})
        ids = self.client.submit_many(tasks)
        done = [self.client.wait(task_id, timeout=60) for task_id in ids]
        for i, task in enumerate(done):
            self.assertEqual((task["state"], task["attempt"], task["errors"]), ("completed", 1, []),
                             f"task {i}")
            if i % 2:
                self.assertEqual(task["attempted_by"], worker.name)
                self.assertEqual(task["result"], {"python": i})
            else:
                self.assertEqual(task["attempted_by"], self.node.name)
                self.assertEqual(task["kind"], "sleep")


if __name__ == "__main__":
    unittest.main()
