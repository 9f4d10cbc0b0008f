/**
 * A real Offload node for the tests: the packaged jar as a process on a free port, in a schema of
 * its own (dropped before and after), with a short lease so that rescues happen in seconds.
 * `OFFLOAD_JAR` names the jar (default: the repository's target/offload.jar); `TEST_DATABASE_URL`
 * the database, as for the Java tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const TOKEN = 'clients-test-token-0123456789';
/** A token with the `read` scope alone. */
export const READ_TOKEN = 'clients-read-token-0123456789';

/** @param {string} sql */
function psql(sql) {
  execFileSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { stdio: 'pipe' });
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts a node named `name` and waits until it is ready.
 * @param {string} name
 * @returns {Promise<{url: string, token: string, stop: () => Promise<void>}>}
 */
export async function startNode(name) {
  const schema = `${name.replaceAll('-', '_')}_${process.pid}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logs = path.join(repo, 'target', 'clients-logs');
  mkdirSync(logs, { recursive: true });
  psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const out = openSync(path.join(logs, `${name}.log`), 'a');
  const tokens = {
    tests: { token: TOKEN, scopes: ['read', 'submit', 'work'] },
    reader: { token: READ_TOKEN, scopes: ['read'] },
  };
  const child = spawn('java', ['-Xmx256m', '-jar', process.env.OFFLOAD_JAR ?? path.join(repo, 'target', 'offload.jar')], {
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      OFFLOAD_NODE_ID: name,
      OFFLOAD_HTTP_PORT: String(port),
      OFFLOAD_DATABASE_URL: databaseUrl,
      OFFLOAD_DATABASE_SCHEMA: schema,
      OFFLOAD_TOKENS: JSON.stringify(tokens),
      OFFLOAD_LEASE: '3s',
      OFFLOAD_TASKS_RETRY_BASE: '100ms',
      OFFLOAD_TASKS_PROGRESS_INTERVAL: '50ms',
      OFFLOAD_NODE_SHUTDOWN_GRACE: '1s',
    },
  });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`node ${name} exited at start; see target/clients-logs/${name}.log`);
    try {
      if ((await fetch(`${url}/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`node ${name} not ready within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    token: TOKEN,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

let kinds = 0;
/** A kind name no other test uses. @param {string} name */
export function uniqueKind(name) {
  kinds += 1;
  return `${name}.${process.pid}.${kinds}.${Date.now() % 100000}`;
}

/** Seconds from one of the node's ISO timestamps to another. @param {string} a @param {string} b */
export function secondsBetween(a, b) {
  // Microseconds matter: Date keeps milliseconds, so the fraction is read apart.
  const micros = (/** @type {string} */ t) => {
    const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t);
    return Date.parse(`${m[1]}Z`) * 1000 + Number(((m[2] ?? '') + '000000').slice(0, 6));
  };
  return (micros(b) - micros(a)) / 1e6;
}
