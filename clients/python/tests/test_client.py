"""The client against a real node: submit, get, cancel, retry, wait, and the typed errors."""

from __future__ import annotations

import datetime as dt
import unittest

import offload
from tests.node import READ_TOKEN, shared_node


class ClientTest(unittest.TestCase):
    def setUp(self) -> None:
        self.node = shared_node()
        self.client = offload.Offload(self.node.url, self.node.token)
        self.addCleanup(self.client.close)

    def test_submit_returns_the_stored_task_and_get_reads_it(self) -> None:
        task = self.client.submit("noop", priority=1, queue="default", max_attempts=2)
        self.assertEqual(task["kind"], "noop")
        self.assertEqual(task["priority"], 1)
        self.assertEqual(self.client.get(task["id"])["id"], task["id"])

    def test_options_take_timedeltas_and_aware_datetimes(self) -> None:
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
        task = self.client.submit("noop", timeout=dt.timedelta(seconds=90), run_at=later)
        self.assertEqual(task["state"], "scheduled")
        self.assertEqual(task["timeout"], "90s")
        with self.assertRaises(ValueError):
            self.client.submit("noop", run_at=dt.datetime.now())

    def test_wait_returns_the_final_task_with_its_result(self) -> None:
        task = self.client.submit("sleep", {"seconds": 0.2})
        done = self.client.wait(task["id"], timeout=30)
        self.assertEqual(done["state"], "completed")
        self.assertEqual(done["result"]["message"], "Task Completed")

    def test_wait_gives_up_after_its_timeout_with_the_last_state_seen(self) -> None:
        task = self.client.submit("noop", delay="1h")
        with self.assertRaises(offload.WaitTimeout) as raised:
            self.client.wait(task["id"], timeout=0.3)
        self.assertEqual(raised.exception.task_id, task["id"])
        self.assertEqual(raised.exception.task["state"], "scheduled")
        self.assertIsInstance(raised.exception, TimeoutError)

    def test_cancel_then_retry_a_waiting_task(self) -> None:
        task = self.client.submit("noop", delay="1h")
        self.assertEqual(self.client.cancel(task["id"])["state"], "cancelled")
        self.assertEqual(self.client.wait(task["id"], timeout=5)["state"], "cancelled")
        self.assertEqual(self.client.retry(task["id"])["state"], "available")

    def test_cancel_of_a_running_task_asks_it_to_stop(self) -> None:
        task = self.client.submit("sleep", {"seconds": 30})
        while self.client.get(task["id"])["state"] != "running":
            pass
        asked = self.client.cancel(task["id"])
        self.assertEqual(asked["state"], "running")
        self.assertIsNotNone(asked["cancel_requested_at"])
        self.assertEqual(self.client.wait(task["id"], timeout=30)["state"], "cancelled")

    def test_submit_many_returns_the_ids_in_order_and_is_idempotent_with_a_key(self) -> None:
        tasks = [{"kind": "noop"}, {"kind": "sleep", "args": {"seconds": 0}, "priority": 1}]
        ids = self.client.submit_many(tasks, idempotency_key=f"batch-{id(self)}")
        self.assertEqual(len(ids), 2)
        self.assertEqual(self.client.get(ids[1])["kind"], "sleep")
        self.assertEqual(self.client.submit_many(tasks, idempotency_key=f"batch-{id(self)}"), ids)

    def test_a_unique_key_makes_one_task(self) -> None:
        first = self.client.submit("noop", unique_key=f"key-{id(self)}")
        self.assertEqual(self.client.submit("noop", unique_key=f"key-{id(self)}")["id"], first["id"])

    def test_errors_are_typed_and_carry_code_message_and_status(self) -> None:
        with self.assertRaises(offload.BadRequest) as raised:
            self.client.submit("no.such.kind")
        self.assertEqual((raised.exception.status, raised.exception.code), (400, "unknown_kind"))
        self.assertIn("no.such.kind", raised.exception.message)
        with self.assertRaises(offload.BadRequest) as raised:
            self.client.submit("noop", prio=1)
        self.assertEqual(raised.exception.code, "invalid_field")
        with self.assertRaises(offload.NotFound) as raised:
            self.client.get("01a22fbe-1a78-7000-a72c-030f536283c2")
        self.assertEqual(raised.exception.code, "task_not_found")
        done = self.client.wait(self.client.submit("noop")["id"], timeout=30)
        with self.assertRaises(offload.Conflict) as raised:
            self.client.cancel(done["id"])
        self.assertEqual(raised.exception.code, "task_state_conflict")
        with self.assertRaises(offload.NotFound):
            self.client.wait("01a22fbe-1a78-7000-a72c-030f536283c2", timeout=5)

    def test_a_missing_or_weak_token_is_refused(self) -> None:
        with offload.Offload(self.node.url) as anonymous, self.assertRaises(offload.Unauthorized):
            anonymous.get("01a22fbe-1a78-7000-a72c-030f536283c2")
        with offload.Offload(self.node.url, READ_TOKEN) as reader, \
                self.assertRaises(offload.Forbidden) as raised:
            reader.submit("noop")
        self.assertIn("submit", raised.exception.message)

    def test_json_the_node_would_refuse_is_refused_before_sending(self) -> None:
        with self.assertRaises(ValueError):
            self.client.submit("noop", {"x": float("nan")})


if __name__ == "__main__":
    unittest.main()
