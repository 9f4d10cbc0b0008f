// The graphile-worker node of the benchmarks: a child process of drain.mjs or enqueue.mjs (which start it pinned with
// taskset), driven over Node's IPC channel. It runs one `noop` task (a function that returns at once) with
// THROUGHPUT_PRESET. Messages in:
//   {type: "drain", tasks, capMs}  start a runner, time the drain of `tasks` jobs already in the table, stop it;
//                                  answers {type: "drained", ...}
//   {type: "serve"}                start a runner that reports every job it starts: {type: "started", ...};
//                                  answers {type: "serving"} once the runner is up
//   {type: "stop"}                 stop the runner (if any) and exit
// Timing is in-process (process.hrtime, CLOCK_MONOTONIC, which the parent's clock shares on the same machine).
import { EventEmitter } from "node:events";
import pg from "pg";
import { run } from "graphile-worker";
import { THROUGHPUT_PRESET, log, nowMs, sleep, stderrLogger } from "./common.mjs";

const databaseUrl = process.argv[2];
let runner = null;
let pgPool = null;
let jobErrors = 0;

function startRunner(noop, options = {}) {
  const events = new EventEmitter();
  events.on("job:error", ({ error }) => {
    jobErrors++;
    log(`job failed: ${error}`);
  });
  return run({
    ...options,
    ...(options.pgPool ? {} : { connectionString: databaseUrl }),
    preset: THROUGHPUT_PRESET,
    taskList: { noop },
    parsedCronItems: [], // no cron (without this it looks for a crontab file)
    logger: stderrLogger,
    events,
    noHandleSignals: true,
  });
}

/**
 * Drains `tasks` jobs: from the first job's start (the noop's first call) to the moment the last completion is
 * committed. graphile-worker deletes a job's row when it completes, and with batched completions the delete follows
 * the task's return, so the end is when the rows of the last jobs are seen to be gone: once every task has run, a
 * loop of queries on a connection of its own, back to back, watches the last 1,000 jobs' ids (by primary key, so each
 * query is sub-millisecond), then checks that the table is empty. Capped at capMs from the runner's start: then the
 * completed count is what was deleted by the cap.
 */
async function drain({ tasks, capMs }) {
  let started = 0;
  let firstStartMs = null;
  const lastIds = new Array(1000);
  let allRan;
  const allRanPromise = new Promise((resolve) => (allRan = resolve));
  const watcher = new pg.Client({ connectionString: databaseUrl });
  await watcher.connect();
  const capAtMs = nowMs() + capMs;
  jobErrors = 0;
  runner = await startRunner((payload, helpers) => {
    if (firstStartMs === null) firstStartMs = nowMs();
    lastIds[started % lastIds.length] = helpers.job.id;
    if (++started === tasks) allRan();
  });
  const capped = await Promise.race([allRanPromise.then(() => false), sleep(Math.max(capAtMs - nowMs(), 0)).then(() => true)]);
  const allRanMs = nowMs();
  let endMs;
  let remaining;
  const count = async () => Number((await watcher.query("SELECT count(*) AS n FROM graphile_worker._private_jobs")).rows[0].n);
  if (capped) {
    endMs = nowMs();
    remaining = await count();
  } else {
    const ids = lastIds.filter((id) => id !== undefined);
    for (;;) {
      const { rows } = await watcher.query("SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE id = ANY($1::bigint[])", [ids]);
      if (Number(rows[0].n) === 0 || nowMs() >= capAtMs) break;
    }
    endMs = nowMs();
    // Earlier batches are flushed well before the last ones; should a row be left all the same, wait for it.
    while ((remaining = await count()) > 0 && nowMs() < capAtMs) endMs = nowMs();
  }
  await runner.stop();
  await runner.promise;
  runner = null;
  await watcher.end();
  const completed = tasks - remaining;
  const spanS = firstStartMs === null ? 0 : (endMs - firstStartMs) / 1000;
  if (!capped) {
    log(`worker: ${tasks} tasks ran in ${(allRanMs - firstStartMs).toFixed(1)} ms from the first task call; the last completion was committed ${(endMs - allRanMs).toFixed(1)} ms after the last call`);
  }
  return { type: "drained", completed, capped, drain_s: spanS, job_errors: jobErrors };
}

/**
 * The enqueue benchmark's worker. Each start is reported with the job's own timestamps as PostgreSQL wrote them,
 * created_at (add_job: now() of the inserting statement) and locked_at (the claim: now() of the statement that locked
 * the job, as graphile-worker keeps its default useNodeTime false). node-postgres parses timestamptz into a Date, which
 * keeps milliseconds only, so this pool's parser also keeps the text, microseconds and all (graphile-worker still gets
 * its Date objects).
 */
async function serve() {
  const dateParser = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
  pgPool = new pg.Pool({
    connectionString: databaseUrl,
    max: THROUGHPUT_PRESET.worker.maxPoolSize,
    types: {
      getTypeParser: (oid, format) =>
        oid === pg.types.builtins.TIMESTAMPTZ && format !== "binary"
          ? (text) => Object.assign(dateParser(text), { pgText: text })
          : pg.types.getTypeParser(oid, format),
    },
  });
  // The error handlers graphile-worker asks of a pool it is given (it warns otherwise).
  pgPool.on("error", (error) => log(`worker: idle pool client failed: ${error}`));
  pgPool.on("connect", (client) => client.on("error", (error) => log(`worker: pool client failed: ${error}`)));
  runner = await startRunner(
    (payload, helpers) => {
      const startMs = nowMs();
      const { created_at: created, locked_at: locked } = helpers.job;
      process.send({ type: "started", i: payload.i, startMs, created: created.pgText, locked: locked.pgText });
    },
    { pgPool },
  );
  return { type: "serving" };
}

async function stop() {
  if (runner) {
    await runner.stop();
    await runner.promise;
    runner = null;
  }
  if (pgPool) await pgPool.end();
  process.disconnect();
}

// The parent gone (it failed, or stop() disconnected): a runner still up means it did not stop cleanly.
process.on("disconnect", () => process.exit(runner ? 1 : 0));

process.on("message", (message) => {
  const handler = { drain, serve, stop }[message.type];
  handler(message).then(
    (answer) => answer && process.send(answer),
    (error) => {
      log(`worker: ${message.type} failed: ${error?.stack ?? error}`);
      process.exit(1);
    },
  );
});
process.send({ type: "ready" });
