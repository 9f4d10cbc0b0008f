// graphile-worker drain: N no-op jobs inserted first, then drained by one worker process.
//
// usage: node drain.mjs [--tasks 100000] [--warm-tasks 40000] [--batch-size 1000] [--insert-conns 4] [--cap-s 60]
//                       [--worker-cpu -1] [--database-url postgresql://postgres@127.0.0.1:5432/graphile_bench]
//
// This process inserts (bench/run starts it on CPU 1, as Offload's load generator); the worker is a child process
// (worker.mjs, on --worker-cpu through taskset; bench/run gives 0, as Offload's worker node). The worker first drains
// --warm-tasks uncounted jobs, so that V8 has compiled its path (as Offload's node is warmed up), and its runner is then
// stopped: no runner is running while the measured jobs are inserted, so the insert is over before the drain begins.
// Then: an empty job table; --tasks jobs inserted with graphile_worker.add_jobs, --batch-size per call on
// --insert-conns connections at once (insert_s: first call sent to last call answered); ANALYZE, as Offload's drain
// does (this PostgreSQL may run with autovacuum off); the worker's runner starts and drains them (see worker.mjs's
// drain() for the timing). Prints one JSON line; exits 1 if anything failed.
import pg from "pg";
import { DEFAULT_DATABASE_URL, emptyJobs, log, nowMs, parseOptions, prepareDatabase, startWorker } from "./common.mjs";

const options = parseOptions(process.argv.slice(2), {
  tasks: 100000,
  "warm-tasks": 40000,
  "batch-size": 1000,
  "insert-conns": 4,
  "cap-s": 60,
  "worker-cpu": -1,
  "database-url": DEFAULT_DATABASE_URL,
});
const databaseUrl = options["database-url"];

/**
 * Inserts `tasks` noop jobs: add_jobs with batches of `batchSize` job specs (a JSON array, as a client would send it),
 * each call one statement in its own transaction; `conns` connections each take the next batch until none is left.
 * count(*) over add_jobs' rows keeps the answer small (add_jobs returns every inserted row).
 */
async function insert(pool, tasks, batchSize, conns) {
  const batches = Math.ceil(tasks / batchSize);
  let next = 0;
  let inserted = 0;
  let errors = 0;
  const specs = (n) => JSON.stringify(Array.from({ length: n }, () => ({ identifier: "noop" })));
  const full = specs(batchSize);
  const startMs = nowMs();
  await Promise.all(
    Array.from({ length: Math.min(conns, batches) }, async () => {
      const client = await pool.connect();
      try {
        while (next < batches) {
          const batch = next++;
          const size = Math.min(batchSize, tasks - batch * batchSize);
          try {
            const { rows } = await client.query(
              `SELECT count(*) AS n FROM graphile_worker.add_jobs(
                 ARRAY(SELECT spec FROM json_populate_recordset(NULL::graphile_worker.job_spec, $1::json) spec))`,
              [size === batchSize ? full : specs(size)],
            );
            inserted += Number(rows[0].n);
          } catch (error) {
            errors++;
            log(`add_jobs failed: ${error}`);
          }
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (nowMs() - startMs) / 1000;
  return { seconds, inserted, errors };
}

async function main() {
  await prepareDatabase(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options["insert-conns"] });
  const worker = startWorker(databaseUrl, options["worker-cpu"]);
  try {
    await worker.expect("ready", 30_000);
    const capMs = options["cap-s"] * 1000;
    if (options["warm-tasks"] > 0) {
      log(`warming the worker up with ${options["warm-tasks"]} jobs (not measured)`);
      await emptyJobs(pool);
      await insert(pool, options["warm-tasks"], options["batch-size"], options["insert-conns"]);
      worker.send({ type: "drain", tasks: options["warm-tasks"], capMs });
      const warm = await worker.expect("drained");
      log(`warm-up drained ${warm.completed} in ${warm.drain_s.toFixed(3)} s`);
    }
    await emptyJobs(pool);
    log(`inserting ${options.tasks} jobs`);
    const inserted = await insert(pool, options.tasks, options["batch-size"], options["insert-conns"]);
    const rows = Number((await pool.query("SELECT count(*) AS n FROM graphile_worker._private_jobs")).rows[0].n);
    if (rows !== options.tasks) throw new Error(`the insert left ${rows} rows, not ${options.tasks}`);
    await pool.query("ANALYZE graphile_worker._private_jobs");
    log(`inserted in ${inserted.seconds.toFixed(3)} s; draining`);
    worker.send({ type: "drain", tasks: options.tasks, capMs });
    const drained = await worker.expect("drained");
    worker.send({ type: "stop" });
    await worker.exited;
    const errors = inserted.errors + drained.job_errors;
    const result = {
      tasks: options.tasks,
      insert_s: Math.round(inserted.seconds * 1000) / 1000,
      insert_tasks_per_s: Math.round((10 * inserted.inserted) / inserted.seconds) / 10,
      completed: drained.completed,
      drained_pct: Math.round((1000 * drained.completed) / options.tasks) / 10,
      drain_s: Math.round(drained.drain_s * 1000) / 1000,
      tasks_per_s: drained.drain_s > 0 ? Math.round((10 * drained.completed) / drained.drain_s) / 10 : null,
      errors,
    };
    console.log(JSON.stringify(result));
    return errors === 0 && drained.completed > 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}

main().then(
  (status) => process.exit(status),
  (error) => {
    log(`drain failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
