// A remote JavaScript worker for bench/run: one kind whose handler returns at once (as `noop`
// does), until SIGTERM. Logs warnings only.
// usage: node bench/remote/worker.mjs --url URL --kind KIND [--concurrency N] [--name NAME]
import { parseArgs } from 'node:util';
import { Worker } from '../../clients/javascript/src/index.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    kind: { type: 'string' },
    concurrency: { type: 'string', default: '400' },
    name: { type: 'string', default: 'bench-javascript' },
  },
});
const logger = { info() {}, warn: console.error, error: console.error };
const worker = new Worker(values.url, null, { concurrency: Number(values.concurrency), name: values.name, logger });
worker.task(values.kind, () => null);
await worker.run();
