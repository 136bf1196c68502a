// `npm run bench`: throughput of eight Express 5 receivers, measured in
// alternation over loopback with autocannon, then an in-process micro-
// benchmark and the peak memory of receiving a 5 MB body. Ratios compare
// servers measured in the same run, so machine drift hits all alike.
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { cpus, totalmem } from 'node:os';

import autocannon from 'autocannon';
import { profileSchema, verifySignature } from 'rocketreach-webhooks';
import { buildBulk } from 'rocketreach-webhooks/testing';

// Internal modules of the build, for the micro-benchmark of what the
// middleware runs; `npm run bench` builds first.
import { parseJsonBytes } from '../dist/esm/core/json.js';
import { compileSchemaCheck } from '../dist/esm/core/schema-check.js';

import {
  ALL_WORKLOADS,
  FORGED_SECRET,
  SECRET,
  ask,
  bulk,
  headersFor,
  listeningPort,
  median,
  quantile,
  readOptions,
  rrSignature,
  single,
  stopServer,
} from './common.mjs';
import { LIMIT, PATH, SERVER_KINDS } from './servers.mjs';
import { standInDelivery } from './stand-in.mjs';

const USAGE = `Usage: npm run bench -- [options]

  --rounds <n>        rounds per workload and server (default: 15)
  --duration <s>      seconds of load per round (default: 1.5)
  --connections <n>   concurrent connections (default: 32)
  --servers <a,b>     measure only these servers, and the floor
  --workloads <a,b>   measure only these workloads
  --help              show this text`;

const { values, positive, chosen } = readOptions(
  {
    duration: { type: 'string', default: '1.5' },
    rounds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    // Comma-separated subsets, to look into one comparison; the floor is
    // always measured, since every ratio is to it.
    servers: { type: 'string' },
    workloads: { type: 'string' },
  },
  USAGE,
);
const DURATION = positive('duration');
const ROUNDS = positive('rounds', true);
const CONNECTIONS = positive('connections', true);

const WORKLOADS = chosen(ALL_WORKLOADS, values.workloads, (w) => w.name);
const KINDS = chosen(SERVER_KINDS, values.servers, (kind) => kind, 'floor');

// the servers, each in its own process
async function startServer(kind, limit = LIMIT, execArgv = []) {
  const child = fork(
    new URL('./server.mjs', import.meta.url),
    [kind, SECRET, String(limit)],
    {
      execArgv: ['--expose-gc', ...execArgv],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  return { kind, child, port: await listeningPort(child, kind) };
}

function cannon(port, workload, kind) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${PATH}`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: DURATION,
        headers: headersFor(kind, workload.body, workload.forged),
        body: workload.body,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/**
 * Requests announcing 5 MB with no body: only a server that answers from the
 * headers can answer. A server that waits for the body is given up on after
 * 16 requests without an answer.
 */
async function oversized(port, kind, count = 400, concurrency = 8) {
  let answered = 0;
  let refused = 0;
  let timedOut = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  async function worker() {
    while (next < count && timedOut < 16) {
      next++;
      const status = await new Promise((resolve) => {
        const req = request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: PATH,
          agent: false,
          headers: {
            ...headersFor(kind, single, false),
            'content-length': String(5 * 1024 * 1024),
          },
          timeout: 1000,
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
          req.destroy();
        });
        req.on('timeout', () => {
          req.destroy();
          resolve('timeout');
        });
        req.on('error', () => resolve('error'));
        req.flushHeaders();
      });
      if (status === 'timeout' || status === 'error') timedOut++;
      else {
        answered++;
        if (status === 413) refused++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: answered / seconds, answered, refused, timedOut };
}

// 1. throughput, in alternation
console.log(
  `Benchmark: Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB; ${ROUNDS} rounds of ${DURATION} s, ` +
    `${CONNECTIONS} connections; single ${single.length} B, bulk ${bulk.length} B\n`,
);
const servers = [];
for (const kind of KINDS) servers.push(await startServer(kind));

// One round of each workload first, not counted: every server's hot code is
// compiled and its heap has grown to its working size before measuring.
for (const workload of WORKLOADS) {
  for (const { kind, port } of servers) await cannon(port, workload, kind);
}

const samples = {}; // samples[workload][kind] = [req/s]
const cpu = {}; // cpu[workload][kind] = [server CPU µs per request]
const problems = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const workload of WORKLOADS) {
    // Rotate the order each round so no server always goes first.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]);
    for (const { kind, port, child } of order) {
      const cpuBefore = (await ask(child, 'cpu', 'cpu')).cpu;
      const result = await cannon(port, workload, kind);
      const cpuAfter = (await ask(child, 'cpu', 'cpu')).cpu;
      ((cpu[workload.name] ??= {})[kind] ??= []).push(
        (cpuAfter - cpuBefore) / Math.max(1, result.requests.total),
      );
      const wanted = workload.forged ? 'non2xx' : '2xx';
      const good = wanted === '2xx' ? result['2xx'] : result.non2xx;
      if (
        result.errors ||
        good !== result.requests.total - result.timeouts - (result.errors ?? 0)
      ) {
        problems.push(
          `${kind} / ${workload.name}: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors`,
        );
      }
      ((samples[workload.name] ??= {})[kind] ??= []).push(
        result.requests.average,
      );
      process.stdout.write('.');
    }
  }
}
const oversizedResults = {};
for (const server of servers)
  oversizedResults[server.kind] = await oversized(server.port, server.kind);
for (const server of servers) await stopServer(server.child);
process.stdout.write('\n\n');

/**
 * Prints medians by server and workload, each with its ratio to the floor.
 * A ratio is the median of the rounds' own ratios: within a round the floor
 * was measured seconds apart from the server, so drift of the machine over
 * the run cancels out. The middle half of the rounds' ratios follows in
 * brackets, to show how far one run can be trusted.
 */
function printTable(title, byWorkload) {
  console.log(`${title}\n`);
  console.log(`| server | ${WORKLOADS.map((w) => w.name).join(' | ')} |`);
  console.log(`| --- | ${WORKLOADS.map(() => '---').join(' | ')} |`);
  const ratios = {};
  const cells = {};
  for (const { name } of WORKLOADS) {
    ratios[name] = {};
    const floor = byWorkload[name].floor;
    for (const kind of KINDS) {
      const rounds = byWorkload[name][kind];
      const perRound = rounds.map((value, i) => value / floor[i]);
      ratios[name][kind] = median(perRound);
      const [low, high] = [quantile(perRound, 0.25), quantile(perRound, 0.75)];
      (cells[kind] ??= []).push(
        `${Math.round(median(rounds))} (${ratios[name][kind].toFixed(2)} ` +
          `[${low.toFixed(2)}–${high.toFixed(2)}])`,
      );
    }
  }
  for (const kind of KINDS)
    console.log(`| ${kind} | ${cells[kind].join(' | ')} |`);
  return ratios;
}

const throughput = printTable(
  'Throughput (requests per second, median of the rounds; ratio to the floor, median of the rounds)',
  samples,
);
printTable(
  '\nServer CPU time per request (µs, user + system, median of the rounds; ratio to the floor, median of the rounds)',
  cpu,
);
if (problems.length)
  console.log(`\nUnexpected answers:\n- ${problems.join('\n- ')}`);

console.log(
  '\nOversized bodies: up to 400 requests announcing 5 MB and sending nothing, 8 at a time\n',
);
console.log(
  '| server | answered per second | answered 413 | no answer within 1 s |',
);
console.log('| --- | --- | --- | --- |');
for (const kind of KINDS) {
  const r = oversizedResults[kind];
  console.log(
    `| ${kind} | ${Math.round(r.perSecond)} | ${r.refused} | ${r.timedOut} |`,
  );
}

// 2. micro-benchmark, in this process: each operation timed in short
// batches, the batches of all operations interleaved, medians reported.
function batch(fn, n) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - started) / n / 1000; // microseconds
}
const singleText = single.toString();
const bulkText = bulk.toString();
const parsedSingle = JSON.parse(singleText);
const parsedBulk = JSON.parse(bulkText);
const sigSingle = rrSignature(single);
const sigBulk = rrSignature(bulk);
const isProfile = compileSchemaCheck(profileSchema);
const operations = {
  'verify single': [() => verifySignature(SECRET, single, sigSingle), 200],
  'verify bulk': [() => verifySignature(SECRET, bulk, sigBulk), 20],
  'JSON.parse single': [() => JSON.parse(singleText), 200],
  'JSON.parse bulk': [() => JSON.parse(bulkText), 10],
  // What the package does: parse from the bytes, then check each profile.
  'parse bytes bulk': [() => parseJsonBytes(bulk), 10],
  'validate single': [() => isProfile(parsedSingle), 200],
  'validate bulk': [() => parsedBulk.every(isProfile), 10],
  // zod itself, for comparison: it copies what it accepts.
  'zod safeParse bulk': [
    () => parsedBulk.every((p) => profileSchema.safeParse(p).success),
    10,
  ],
  // A whole delivery through the floor's route and through the middleware,
  // on stand-in request objects: the JavaScript each adds of its own.
  'floor route, valid single (stand-ins)': [
    standInDelivery('floor', SECRET, single, sigSingle, 200),
    200,
  ],
  'middleware, valid single (stand-ins)': [
    standInDelivery('middleware', SECRET, single, sigSingle, 200),
    200,
  ],
  'floor route, forged single (stand-ins)': [
    standInDelivery(
      'floor',
      SECRET,
      single,
      rrSignature(single, FORGED_SECRET),
      401,
    ),
    200,
  ],
  'middleware, forged single (stand-ins)': [
    standInDelivery(
      'middleware',
      SECRET,
      single,
      rrSignature(single, FORGED_SECRET),
      401,
    ),
    200,
  ],
};
const timings = Object.fromEntries(
  Object.keys(operations).map((name) => [name, []]),
);
for (let round = 0; round < 40; round++) {
  for (const [name, [fn, n]] of Object.entries(operations))
    timings[name].push(batch(fn, n));
}
const micro = Object.fromEntries(
  Object.entries(timings).map(([name, xs]) => [name, median(xs.slice(5))]),
);
console.log(
  '\nMicro-benchmark (microseconds per operation, in process, median of interleaved batches)\n',
);
console.log('| operation | µs | per profile (bulk) |');
console.log('| --- | --- | --- |');
for (const [name, us] of Object.entries(micro)) {
  console.log(
    `| ${name} | ${us.toFixed(1)} | ${name.endsWith('bulk') ? (us / 100).toFixed(2) : ''} |`,
  );
}
const validateVsParse = micro['validate bulk'] / micro['JSON.parse bulk'];
const ownCost = (kind) =>
  (
    micro[`middleware, ${kind} single (stand-ins)`] -
    micro[`floor route, ${kind} single (stand-ins)`]
  ).toFixed(1);
console.log(
  `\nOn stand-ins the middleware spends ${ownCost('valid')} µs more than the ` +
    `floor's route on a valid single delivery, ${ownCost('forged')} µs more on a forged one.`,
);

// 3. memory of receiving a 5 MB body
const big = Buffer.from(
  JSON.stringify(Array.from({ length: 18 }, () => buildBulk(100)).flat()),
);
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const held = JSON.parse(big.toString());
globalThis.gc?.();
const parsedSize = process.memoryUsage().heapUsed - heapBefore;
void held.length;

// A 1 MB young generation makes the collector reclaim short-lived garbage
// promptly, so the peak resident size follows what is really held. Each
// measurement takes a fresh server; the median of MEMORY_RUNS is reported.
const MEMORY_RUNS = 5;
async function peakFor(kind) {
  const peaks = [];
  const statuses = new Set();
  for (let run = 0; run < MEMORY_RUNS; run++) {
    const server = await startServer(kind, 16 * 1024 * 1024, [
      '--max-semi-space-size=1',
    ]);
    await send(server.port, kind, single);
    const before = await ask(server.child, 'memory', 'memory');
    statuses.add(await send(server.port, kind, big));
    const after = await ask(server.child, 'memory', 'memory');
    await stopServer(server.child);
    peaks.push((after.maxRssKb - before.maxRssKb) * 1024);
  }
  return { status: [...statuses].join(', '), peak: median(peaks), peaks };
}
function send(port, kind, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: PATH,
        headers: {
          ...headersFor(kind, body, false),
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const mb = (n) => `${(n / 2 ** 20).toFixed(1)} MB`;
console.log(
  `\nPeak memory receiving a ${mb(big.length)} body: the rise of the server's peak ` +
    `resident size (maxRSS) over one request, with a 1 MB young generation, ` +
    `median of ${MEMORY_RUNS} fresh servers; raw bytes ${mb(big.length)}, ` +
    `parsed value ${mb(parsedSize)}. read-only reads and verifies the body ` +
    `into one Buffer and parses nothing\n`,
);
console.log(
  '| server | status | peak RSS rise | rise / (raw + parsed) | rise over read-only | runs (MB) |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
const memory = {};
for (const kind of [
  'read-only',
  'floor',
  'handwritten',
  'handwritten+zod',
  'rocketreach-webhooks',
]) {
  const { status, peak, peaks } = await peakFor(kind);
  memory[kind] = peak;
  const runs = peaks.map((p) => (p / 2 ** 20).toFixed(1)).join(' ');
  console.log(
    `| ${kind} | ${status} | ${mb(peak)} | ${(peak / (big.length + parsedSize)).toFixed(2)} | ` +
      `${mb(peak - memory['read-only'])} | ${runs} |`,
  );
}

// targets: each gives the figure it judges and whether it is met; a target
// whose servers or workloads were left out of this run is not judged.
const ratio = (workload, kind) => throughput[workload]?.[kind];
const pkg = 'rocketreach-webhooks';
const answering = 'rocketreach-webhooks (refusals: answer)';
const atLeast = (value, bound) => [value, value >= bound];
const atMost = (value, bound) => [value, value <= bound];
const ahead = (value, other) => [value, value > other, other ?? Number.NaN];
const targets = [
  [
    'valid single >= 0.90 of the floor',
    atLeast(ratio('valid single', pkg), 0.9),
  ],
  [
    'valid single ahead of the hand-written route',
    ahead(ratio('valid single', pkg), ratio('valid single', 'handwritten')),
  ],
  [
    'valid single ahead of Octokit',
    ahead(ratio('valid single', pkg), ratio('valid single', 'octokit')),
  ],
  [
    'valid bulk >= 0.95 of hand-written + zod',
    atLeast(
      ratio('valid bulk (100)', pkg) /
        ratio('valid bulk (100)', 'handwritten+zod'),
      0.95,
    ),
  ],
  [
    'validation per profile <= JSON.parse per profile',
    atMost(validateVsParse, 1),
  ],
  [
    'forged single >= 0.95 of the floor',
    atLeast(ratio('forged single', pkg), 0.95),
  ],
  [
    'forged bulk >= 0.95 of the floor',
    atLeast(ratio('forged bulk (100)', pkg), 0.95),
  ],
  [
    "forged single >= 0.95 of the floor, with refusals: 'answer'",
    atLeast(ratio('forged single', answering), 0.95),
  ],
  [
    "forged bulk >= 0.95 of the floor, with refusals: 'answer'",
    atLeast(ratio('forged bulk (100)', answering), 0.95),
  ],
  [
    'oversized refused from the headers (the figure: how many were answered 413)',
    oversizedResults[pkg] && [
      oversizedResults[pkg].refused,
      oversizedResults[pkg].refused === oversizedResults[pkg].answered &&
        oversizedResults[pkg].timedOut === 0,
    ],
  ],
  [
    'peak memory rise <= raw bytes + parsed value',
    atMost(memory[pkg] / (big.length + parsedSize), 1),
  ],
  [
    'peak memory rise over read-only (which holds the raw bytes) <= parsed value',
    atMost((memory[pkg] - memory['read-only']) / parsedSize, 1),
  ],
];
console.log('\nTargets (the figure judged, and what it is compared with)\n');
for (const [name, [value, met, other] = []] of targets) {
  if (
    value === undefined ||
    Number.isNaN(value) ||
    (other !== undefined && Number.isNaN(other))
  ) {
    console.log(`- not measured in this run: ${name}`);
    continue;
  }
  const show = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const figure = `${show(value)}${other === undefined ? '' : ` against ${show(other)}`}`;
  console.log(`- ${met ? 'met' : 'MISSED'}: ${name} (${figure})`);
}
