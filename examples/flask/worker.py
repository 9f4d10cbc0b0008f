"""The seeds' Celery task, as an Offload worker: run it with `python3 worker.py`."""

import logging
import os

import offload

worker = offload.Worker(os.environ.get("OFFLOAD_URL", "http://127.0.0.1:8080"),
                        os.environ.get("OFFLOAD_TOKEN"))
SECONDS = float(os.environ.get("LONG_TASK_SECONDS", "10"))


@worker.task("long_task")
def long_task(args, ctx):
    for step in range(10):  # time.sleep(10), in steps: progress shows, a cancel stops it
        if ctx.wait(SECONDS / 10):
            raise offload.Stopped()
        ctx.progress((step + 1) / 10)
    return "Task Completed"


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    worker.run()  # until SIGTERM or Ctrl-C
