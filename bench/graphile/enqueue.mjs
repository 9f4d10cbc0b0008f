// graphile-worker enqueue-to-start latency on an idle worker: jobs added one at a time, each after the previous one
// has started.
//
// usage: node enqueue.mjs [--tasks 1000] [--warm-tasks 50] [--pause-ms 2] [--worker-cpu -1]
//                         [--database-url postgresql://postgres@127.0.0.1:5432/graphile_bench]
//
// This process adds the jobs (bench/run starts it on CPU 1, as Offload's load generator); the worker is a child
// process (worker.mjs, on --worker-cpu through taskset; bench/run gives 0, as Offload's node) with the same
// throughput configuration as the drain, idle but for these jobs. Each cycle: `SELECT graphile_worker.add_job('noop',
// ...)` on one connection (one statement, its own transaction: the insert, and its NOTIFY to the worker); wait for the
// worker to report that the job started; pause --pause-ms (Offload's benchmark polls every 2 ms, so about that much
// passes there too between a start and the next submission); next. --warm-tasks uncounted cycles first, as Offload's
// benchmark does 50.
//
// The figures, p50/p95/p99/max, are the job's own timestamps from PostgreSQL's clock: locked_at - created_at, i.e. the
// inserting statement's now() to the now() of the statement that claimed (locked) the job. That is the counterpart of
// Offload's attempted_at - created_at (its service's clock at insert and at claim). client_p50/p99_ms: add_job sent
// (here) to the task function called (in the worker), one monotonic clock; graphile-worker's own latency test
// measures that.
import pg from "pg";
import { DEFAULT_DATABASE_URL, emptyJobs, log, nowMs, parseOptions, percentile, prepareDatabase, round3, sleep, startWorker } from "./common.mjs";

const options = parseOptions(process.argv.slice(2), {
  tasks: 1000,
  "warm-tasks": 50,
  "pause-ms": 2,
  "worker-cpu": -1,
  "database-url": DEFAULT_DATABASE_URL,
});
const databaseUrl = options["database-url"];
const GIVE_UP_MS = 30_000;

/** PostgreSQL's timestamptz text ("2026-01-02 03:04:05.123456+00") in milliseconds, microseconds kept. */
function pgMillis(text) {
  const match = /^(.*:\d\d)(?:\.(\d+))?([+-]\d\d(?::?\d\d)?)$/.exec(text);
  if (!match) throw new Error(`unexpected timestamp: ${text}`);
  const fraction = Number(`0.${match[2] ?? "0"}`);
  return Date.parse(`${match[1].replace(" ", "T")}${match[3].length === 3 ? `${match[3]}:00` : match[3]}`) + fraction * 1000;
}

async function main() {
  await prepareDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await emptyJobs(client);
  const worker = startWorker(databaseUrl, options["worker-cpu"]);
  const server = [];
  const clientSide = [];
  let errors = 0;
  try {
    await worker.expect("ready", 30_000);
    worker.send({ type: "serve" });
    await worker.expect("serving", 30_000);
    const total = options["warm-tasks"] + options.tasks;
    for (let i = 0; i < total; i++) {
      const sentMs = nowMs();
      try {
        await client.query("SELECT graphile_worker.add_job('noop', json_build_object('i', $1::int))", [i]);
        const started = await worker.expect("started", GIVE_UP_MS);
        if (started.i !== i) throw new Error(`job ${started.i} started, expected ${i}`);
        if (i >= options["warm-tasks"]) {
          server.push(pgMillis(started.locked) - pgMillis(started.created));
          clientSide.push(started.startMs - sentMs);
        }
      } catch (error) {
        if (/no message from the worker|exited/.test(String(error))) throw error;
        errors++;
        log(`cycle ${i} failed: ${error}`);
      }
      await sleep(options["pause-ms"]);
    }
    worker.send({ type: "stop" });
    await worker.exited;
  } finally {
    await client.end();
  }
  server.sort((a, b) => a - b);
  clientSide.sort((a, b) => a - b);
  const result = {
    tasks: options.tasks,
    ok: server.length,
    errors,
    p50_ms: percentile(server, 50),
    p95_ms: percentile(server, 95),
    p99_ms: percentile(server, 99),
    max_ms: server.length ? round3(server[server.length - 1]) : null,
    client_p50_ms: percentile(clientSide, 50),
    client_p99_ms: percentile(clientSide, 99),
  };
  console.log(JSON.stringify(result));
  return errors === 0 && server.length === options.tasks ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    log(`enqueue failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
