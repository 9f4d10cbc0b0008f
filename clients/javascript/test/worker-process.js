// A worker in a process of its own, for the tests that signal or kill it.
// usage: node worker-process.js URL TOKEN KIND NAME CONCURRENCY GRACE
// Its handler prints one JSON line when an attempt starts ({task_id, lease_token, worker_id}), then
// sleeps args.seconds, deaf to stop requests.
import { Worker } from '../src/index.js';

const [url, token, kind, name, concurrency, grace] = process.argv.slice(2);
const quiet = { info() {}, warn: console.error, error: console.error };
const worker = new Worker(url, token, { concurrency: Number(concurrency), name, grace: Number(grace), logger: quiet });
worker.task(kind, async (args, ctx) => {
  console.log(JSON.stringify({ task_id: ctx.taskId, lease_token: ctx.leaseToken, worker_id: ctx.workerId }));
  await new Promise((resolve) => setTimeout(resolve, args.seconds * 1000));
  return { slept: args.seconds };
});
await worker.run();
// A handler deaf to ctx.signal would keep the event loop alive: the process ends here.
process.exit(0);
