// What drain.mjs and enqueue.mjs share: options, the database, graphile-worker's throughput configuration, logging
// to stderr, and percentiles. Each script prints exactly one JSON line on stdout; everything else goes to stderr.
import { spawn } from "node:child_process";
import pg from "pg";
import { Logger, runMigrations } from "graphile-worker";

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/graphile_bench";

/**
 * graphile-worker's configuration for throughput, as its documentation recommends (worker.graphile.org/docs/performance,
 * "Quick stats": the configuration of its own best figures; and the option docs in graphile-worker's typings,
 * dist/index.d.ts, GraphileConfig.WorkerOptions):
 * - concurrentJobs 24, maxPoolSize 25: the performance page's configuration (the pool docs: "10 or concurrentJobs + 2,
 *   whichever is larger"; the performance page uses concurrentJobs + 1).
 * - localQueue.size 500: the performance page's value. The option docs: "a good starting point is often
 *   concurrentJobs + 1 ... if you have very high throughput and extremely fast tasks then a much higher number may
 *   make sense": no-op tasks are that case. The pool fetches and locks up to 500 jobs in one statement and hands
 *   them to its workers without a round trip each.
 * - completeJobBatchDelay 0, failJobBatchDelay 0: completions (deletes) and failures batched, flushed on the next
 *   tick; the performance page's value ("even setting this to 0 can be impactful").
 * - Left at their defaults: pollInterval 2000 ms (a fallback only: new jobs wake the pool through LISTEN/NOTIFY on
 *   'jobs:insert', which graphile-worker always uses), preparedStatements true (noPreparedStatements is for
 *   PgBouncer-like poolers, and costs speed), useNodeTime false (timestamps come from PostgreSQL's clock).
 */
export const THROUGHPUT_PRESET = {
  worker: {
    concurrentJobs: 24,
    maxPoolSize: 25,
    localQueue: { size: 500 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
  },
};

/** `--name value` pairs into an object; numbers where the default is a number. Unknown names are a usage error. */
export function parseOptions(argv, defaults) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!argv[i].startsWith("--") || !(name in defaults) || i + 1 >= argv.length) {
      usage(defaults, `bad option: ${argv[i]}`);
    }
    options[name] = typeof defaults[name] === "number" ? Number(argv[i + 1]) : argv[i + 1];
    if (typeof defaults[name] === "number" && !Number.isFinite(options[name])) {
      usage(defaults, `--${name} needs a number`);
    }
  }
  return options;
}

function usage(defaults, message) {
  log(`error: ${message}`);
  log(`options (defaults): ${Object.entries(defaults).map(([k, v]) => `--${k} ${v}`).join(" ")}`);
  process.exit(2);
}

export function log(message) {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

/** graphile-worker's logs, to stderr; debug messages dropped. */
export const stderrLogger = new Logger((scope) => (level, message) => {
  if (level !== "debug") log(`graphile-worker ${level}${scope.label ? ` [${scope.label}]` : ""}: ${message}`);
});

/** Creates the database if it is missing, and installs or upgrades graphile-worker's schema (its own migrations). */
export async function prepareDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) {
      log(`creating database ${name}`);
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    }
  } finally {
    await admin.end();
  }
  await runMigrations({ connectionString: databaseUrl, logger: stderrLogger });
}

/** Empties graphile-worker's job table (and its named queues, which these benchmarks do not use). */
export async function emptyJobs(client) {
  await client.query("TRUNCATE graphile_worker._private_jobs, graphile_worker._private_job_queues");
}

/**
 * Starts worker.mjs as a child process, on CPU `cpu` through taskset (unpinned if negative), its output on our stderr;
 * returns {send, receive, expect, exited}. receive(timeoutMs) resolves with the next message in order; expect(type)
 * also checks its type. Both fail if the worker exits first.
 */
export function startWorker(databaseUrl, cpu) {
  const script = new URL("./worker.mjs", import.meta.url).pathname;
  const [command, args] =
    cpu >= 0 ? ["taskset", ["-c", String(cpu), process.execPath, script, databaseUrl]] : [process.execPath, [script, databaseUrl]];
  // NO_LOG_SUCCESS: graphile-worker otherwise logs a line per completed job (read when it loads); its own perfTest
  // sets it too. Offload logs nothing per task either.
  const env = { ...process.env, NO_LOG_SUCCESS: "1" };
  const child = spawn(command, args, { stdio: ["ignore", 2, 2, "ipc"], env });
  const inbox = [];
  let exitCode = null;
  let wake = () => {};
  child.on("message", (message) => {
    inbox.push(message);
    wake();
  });
  child.on("exit", (code, signal) => {
    exitCode = code ?? signal;
    wake();
  });
  async function receive(timeoutMs = 600_000) {
    const deadline = nowMs() + timeoutMs;
    while (inbox.length === 0) {
      if (exitCode !== null) throw new Error(`the worker process exited (${exitCode})`);
      const left = deadline - nowMs();
      if (left <= 0) throw new Error(`no message from the worker within ${timeoutMs} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return inbox.shift();
  }
  async function expect(type, timeoutMs) {
    const message = await receive(timeoutMs);
    if (message.type !== type) throw new Error(`expected ${type} from the worker, got ${JSON.stringify(message)}`);
    return message;
  }
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  return { send: (message) => child.send(message), receive, expect, exited };
}

/** Milliseconds on a monotonic clock. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Microsecond resolution, as the Java bench tool's figures. */
export const round3 = (value) => Math.round(value * 1000) / 1000;

/** Nearest-rank percentile of a sorted array (the same definition as the Java bench tool's Latencies); null if empty. */
export function percentile(sorted, percent) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((percent / 100) * sorted.length);
  return round3(sorted[Math.max(rank, 1) - 1]);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
