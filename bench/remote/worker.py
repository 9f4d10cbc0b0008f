"""A remote Python worker for bench/run: one kind whose handler returns at once (as `noop` does),
until SIGTERM. Logs warnings only (no line per attempt).

usage: python3 bench/remote/worker.py --url URL --kind KIND [--concurrency N] [--name NAME]
                                      [--profile FILE]
--profile writes cProfile statistics of the whole run to FILE (for finding where the time goes).
"""

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

import offload  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--kind", required=True)
parser.add_argument("--concurrency", type=int, default=400)
parser.add_argument("--name", default="bench-python")
parser.add_argument("--profile")
options = parser.parse_args()
logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
worker = offload.Worker(options.url, None, options.concurrency, name=options.name)


@worker.task(options.kind)
def noop(args, ctx):
    return None


if options.profile:
    import cProfile
    import pstats

    import offload.worker as worker_module

    # A profiler per thread of the worker (cProfile sees only the thread that enables it), merged.
    profiles = []
    start_thread = worker_module._thread

    def profiled(target, name):
        def run():
            profile = cProfile.Profile()
            profiles.append(profile)
            profile.enable()
            try:
                target()
            finally:
                profile.disable()

        return start_thread(run, name)

    worker_module._thread = profiled
    worker.run()
    pstats.Stats(*profiles).dump_stats(options.profile)
else:
    worker.run()
