"""End to end: an Offload node, the example's worker and its Flask app, each a process of its own;
a task submitted through Flask and run by the Python worker.

Run from the repository: ``python3 -m unittest examples/flask/test_e2e.py`` (needs Flask:
``apt-get install python3-flask``, and the jar: ``mvn package``)."""

import json
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLIENT = HERE.parents[1] / "clients" / "python"
sys.path.insert(0, str(CLIENT))

import offload  # noqa: E402
from tests.node import Node, free_port  # noqa: E402


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class FlaskExampleTest(unittest.TestCase):
    def setUp(self) -> None:
        self.node = Node("clients-flask")
        self.addCleanup(self.node.stop)
        env = {**os.environ, "OFFLOAD_URL": self.node.url, "OFFLOAD_TOKEN": self.node.token,
               "LONG_TASK_SECONDS": "0.5", "PYTHONPATH": str(CLIENT)}
        self.worker = self.spawn([sys.executable, "worker.py"], env)
        self.port = free_port()
        self.spawn([sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(self.port)],
                   env)
        self.app = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                self.assertLess(time.monotonic(), deadline, "the Flask app did not start")
                time.sleep(0.1)

    def spawn(self, command, env) -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=HERE, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (process.terminate(), process.wait(30)))
        return process

    def test_a_task_started_through_flask_is_run_by_the_python_worker(self) -> None:
        status, started = get(self.app + "/start-task")
        self.assertEqual(status, 200)
        task_id = started["task_id"]
        deadline = time.monotonic() + 30
        while True:
            status, task = get(f"{self.app}/tasks/{task_id}")
            self.assertEqual(status, 200)
            if task["state"] == "completed":
                break
            self.assertLess(time.monotonic(), deadline, f"not completed: {task}")
            time.sleep(0.1)
        self.assertEqual(task, {"state": "completed", "progress": 1, "result": "Task Completed"})
        with offload.Offload(self.node.url, self.node.token) as client:
            self.assertEqual(client.get(task_id)["attempted_by"],
                             f"{socket.gethostname()}-{self.worker.pid}")
        self.assertEqual(get(f"{self.app}/tasks/01a22fbe-1a78-7000-a72c-030f536283c2")[0], 404)
        self.assertEqual(get(f"{self.app}/tasks/not-a-task")[0], 404)


if __name__ == "__main__":
    unittest.main()
