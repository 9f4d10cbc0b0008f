"""A worker in a process of its own, for the tests that signal or kill it.

usage: worker_process.py URL TOKEN KIND NAME CONCURRENCY GRACE

Its handler prints one JSON line when an attempt starts ({"task_id", "lease_token", "worker_id"}),
then sleeps ``args.seconds`` with time.sleep, deaf to stop requests, as a blocking handler would.
"""

import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import offload  # noqa: E402

url, token, kind, name, concurrency, grace = sys.argv[1:7]
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
worker = offload.Worker(url, token, int(concurrency), name=name, grace=float(grace))


@worker.task(kind)
def sleeper(args, ctx):
    print(json.dumps({"task_id": ctx.task_id, "lease_token": ctx.lease_token,
                      "worker_id": ctx.worker_id}), flush=True)
    time.sleep(args["seconds"])
    return {"slept": args["seconds"]}


worker.run()
