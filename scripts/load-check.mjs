// Sends tens of thousands of mixed deliveries over loopback to an Express app
// with the middleware: valid single and bulk deliveries, forged ones, and
// oversized ones refused from their Content-Length. Checks that every answer
// is the expected one, that nothing failed, and that memory comes back to its
// starting level once the load is over. Run with `npm run load-check`.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

import express from 'express';
import { rocketreachWebhook } from 'rocketreach-webhooks';
import { buildBulk, buildProfile } from 'rocketreach-webhooks/testing';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '30000' },
    concurrency: { type: 'string', default: '64' },
  },
});
const TOTAL = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const SECRET = 'load-check-secret';
const PATH = '/webhooks/rocketreach';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc (npm run load-check does).');
  process.exit(2);
}

// the receiver
const received = { single: 0, bulk: 0 };
const app = express();
app.post(
  PATH,
  rocketreachWebhook({
    secret: SECRET,
    logger: false,
    onSingle: () => void received.single++,
    onBulk: () => void received.bulk++,
  }),
);
app.use((err, _req, res, _next) => {
  res.status(err.status ?? 500).json({ error: { code: err.code } });
});
const server = await new Promise((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
});
const { port } = server.address();

// the deliveries, signed once
function signed(payload, secret = SECRET) {
  const body = Buffer.from(JSON.stringify(payload));
  const signature = createHmac('sha256', secret).update(body).digest('base64');
  return { body, signature };
}
const singles = Array.from({ length: 50 }, (_, i) =>
  signed(buildProfile({ id: 7000 + i })),
);
const bulks = Array.from({ length: 5 }, () => signed(buildBulk(25)));
const forged = singles.map(({ body }) =>
  signed(JSON.parse(body), 'not-the-secret'),
);

// i % 20: 0 bulk; 1-11 single; 12-17 forged; 18-19 oversized
const KINDS = [
  ['bulk', 200],
  ...Array(11).fill(['single', 200]),
  ...Array(6).fill(['forged', 401]),
  ...Array(2).fill(['oversized', 413]),
];
function plan(i) {
  const [kind, expected] = KINDS[i % KINDS.length];
  return { kind, expected };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(i) {
  const { kind } = plan(i);
  const delivery =
    kind === 'bulk'
      ? bulks[i % bulks.length]
      : kind === 'forged'
        ? forged[i % forged.length]
        : singles[i % singles.length];
  const oversized = kind === 'oversized';
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: PATH,
        // Oversized requests announce 5 MB, send nothing, and expect to be
        // answered from the headers; their connection is then closed.
        agent: oversized ? false : agent,
        headers: {
          'content-type': 'application/json',
          'content-length': oversized ? 5 * 1024 * 1024 : delivery.body.length,
          'rr-request-id': `load-${i}`,
          'x-rocketreach-signature': delivery.signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', () => resolve('error'));
      },
    );
    req.on('error', () => resolve('error'));
    if (oversized) req.flushHeaders();
    else req.end(delivery.body);
  });
}

async function run(count, offset, tally) {
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = offset + next++;
      const status = await send(i);
      const { kind, expected } = plan(i);
      const row = (tally[kind] ??= { sent: 0, expected, answered: {} });
      row.sent++;
      row.answered[status] = (row.answered[status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function memory() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const { heapUsed, rss, arrayBuffers } = process.memoryUsage();
  return { heapUsed, rss, arrayBuffers };
}
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// warm up, then measure from a settled baseline
await run(2000, 0, {});
received.single = 0;
received.bulk = 0;
const before = memory();

let peakRss = 0;
const sampler = setInterval(
  () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
  50,
);
const tally = {};
const started = process.hrtime.bigint();
await run(TOTAL, 2000, tally);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(sampler);

agent.destroy();
await new Promise((resolve) => setTimeout(resolve, 200));
const after = memory();
await new Promise((resolve) => server.close(resolve));

// report
let ok = true;
console.log(
  `${TOTAL} requests, ${CONCURRENCY} at a time, in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)} per second)\n`,
);
console.log('kind       sent   expected  answered');
for (const [kind, row] of Object.entries(tally)) {
  const answers = Object.entries(row.answered)
    .map(([status, n]) => `${status} x${n}`)
    .join(', ');
  const exact = row.answered[row.expected] === row.sent;
  ok &&= exact;
  console.log(
    `${kind.padEnd(10)} ${String(row.sent).padStart(6)}  ${String(row.expected).padEnd(8)}  ${answers}${exact ? '' : '  <- unexpected'}`,
  );
}
const valid = (tally.single?.sent ?? 0) + (tally.bulk?.sent ?? 0);
const hooks = received.single + received.bulk;
ok &&= hooks === valid;
console.log(`\nhooks run: ${hooks} for ${valid} valid deliveries`);

const heapGrowth = after.heapUsed - before.heapUsed;
const bufferGrowth = after.arrayBuffers - before.arrayBuffers;
const memoryBack =
  heapGrowth < 8 * 1024 * 1024 && bufferGrowth < 8 * 1024 * 1024;
ok &&= memoryBack;
console.log(
  `heap after GC: ${mb(before.heapUsed)} before, ${mb(after.heapUsed)} after (${heapGrowth >= 0 ? '+' : ''}${mb(heapGrowth)})`,
);
console.log(
  `buffers after GC: ${mb(before.arrayBuffers)} before, ${mb(after.arrayBuffers)} after`,
);
console.log(
  `rss: ${mb(before.rss)} before, ${mb(peakRss)} peak, ${mb(after.rss)} after`,
);
console.log(
  ok
    ? '\nEvery answer was the expected one, and memory came back.'
    : '\nFAILED: see the rows above.',
);
process.exitCode = ok ? 0 : 1;
