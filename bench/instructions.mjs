// `npm run bench:instructions`: the machine instructions each server runs
// per request, counted by valgrind's callgrind. Unlike throughput, a count
// moves little with what else the machine is doing, so two servers can be
// told apart by a few per cent in a single run.
//
// Each server runs under callgrind with its garbage collector on the main
// thread (`--single-threaded-gc`), so that collection is counted wherever
// it happens, and with a young generation of fixed size, so that it is
// collected after the same amount of allocation in every run. Only the main
// thread is counted: the optimizing compiler's background thread is not. A
// server is warmed up first and its heap collected in full; then its
// counters are zeroed, a fixed number of requests is sent one at a time
// over one kept-alive connection, and the main thread's count is read. Two
// servers run at a time.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ALL_WORKLOADS,
  SECRET,
  ask,
  headersFor,
  listeningPort,
  readOptions,
  stopServer,
} from './common.mjs';
import { LIMIT, PATH, SERVER_KINDS } from './servers.mjs';

const USAGE = `Usage: npm run bench:instructions -- [options]

Needs valgrind (Debian: apt-get install valgrind).

  --requests <n>      requests counted per server and workload (default: 2000)
  --warmup <n>        requests sent before counting (default: 3000)
  --servers <a,b>     measure only these servers, and the floor
  --workloads <a,b>   measure only these workloads (default: the single ones)
  --help              show this text`;

const { values, positive, chosen } = readOptions(
  {
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '3000' },
    servers: { type: 'string' },
    workloads: { type: 'string', default: 'valid single,forged single' },
  },
  USAGE,
);
const REQUESTS = positive('requests', true);
const WARMUP = positive('warmup', true);
const WORKLOADS = chosen(ALL_WORKLOADS, values.workloads, (w) => w.name);
const KINDS = chosen(SERVER_KINDS, values.servers, (kind) => kind, 'floor');

for (const tool of ['valgrind', 'callgrind_control']) {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
  } catch {
    console.error(`${tool} was not found.\n\n${USAGE}`);
    process.exit(1);
  }
}

/** Starts a server under callgrind; resolves once it listens. */
async function startCounted(kind, outDir) {
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      // V8 writes machine code as it runs; valgrind must see it change.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${join(outDir, 'callgrind.out')}`,
      process.execPath,
      '--single-threaded-gc',
      '--expose-gc',
      '--min-semi-space-size=16',
      '--max-semi-space-size=16',
      new URL('./server.mjs', import.meta.url).pathname,
      kind,
      SECRET,
      String(LIMIT),
    ],
    { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] },
  );
  return { child, port: await listeningPort(child, kind, ' under valgrind') };
}

/** Sends `count` requests one after another; returns the statuses seen. */
async function sendSequentially(port, agent, kind, workload, count) {
  const statuses = {};
  for (let i = 0; i < count; i++) {
    const status = await new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: PATH,
          agent,
          headers: {
            ...headersFor(kind, workload.body, workload.forged),
            'content-length': workload.body.length,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', reject);
      req.end(workload.body);
    });
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return statuses;
}

/** The main thread's instruction count in the dump taken on request. */
function dumpedInstructions(outDir) {
  for (const file of readdirSync(outDir)) {
    const text = readFileSync(join(outDir, file), 'utf8');
    if (!/^desc: Trigger: dump/m.test(text)) continue;
    if (!/^thread: 1$/m.test(text)) continue;
    return Number(/^summary: (\d+)/m.exec(text)[1]);
  }
  throw new Error(`no dump of the main thread in ${outDir}`);
}

/** Instructions per request of one server on one workload. */
async function measure(kind, workload) {
  const outDir = mkdtempSync(join(tmpdir(), 'rr-instructions-'));
  try {
    const statuses = await countRequests(kind, workload, outDir);

    // Octokit refuses a bad signature with 400, the others with 401.
    const expected = (status) =>
      workload.forged ? status >= 400 && status < 500 : status === 200;
    const answered = Object.entries(statuses)
      .filter(([status]) => expected(Number(status)))
      .reduce((sum, [, n]) => sum + n, 0);
    if (answered !== REQUESTS) {
      throw new Error(
        `${kind} / ${workload.name} answered ${JSON.stringify(statuses)}`,
      );
    }
    return dumpedInstructions(outDir) / REQUESTS;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Runs one server under callgrind, warms it up, counts `REQUESTS` requests
 * into a dump in `outDir`, stops it, and returns the statuses counted.
 */
async function countRequests(kind, workload, outDir) {
  const { child, port } = await startCounted(kind, outDir);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await sendSequentially(port, agent, kind, workload, WARMUP);
    // server.mjs answers 'memory' after a full collection
    await ask(child, 'memory', 'memory');
    execFileSync('callgrind_control', ['--zero', String(child.pid)], {
      stdio: 'ignore',
    });
    const statuses = await sendSequentially(
      port,
      agent,
      kind,
      workload,
      REQUESTS,
    );
    execFileSync('callgrind_control', ['--dump', String(child.pid)], {
      stdio: 'ignore',
    });
    return statuses;
  } finally {
    agent.destroy();
    await stopServer(child);
  }
}

console.log(
  `Instructions per request: Node ${process.version}, ${cpus()[0]?.model.trim()}; ` +
    `${WARMUP} requests to warm up, then ${REQUESTS} counted, one at a time\n`,
);

const jobs = WORKLOADS.flatMap((workload) =>
  KINDS.map((kind) => ({ kind, workload })),
);
const counts = {}; // counts[workload][kind]
const problems = [];
let next = 0;
async function worker() {
  while (next < jobs.length) {
    const { kind, workload } = jobs[next++];
    try {
      (counts[workload.name] ??= {})[kind] = await measure(kind, workload);
    } catch (error) {
      problems.push(`${kind} / ${workload.name}: ${error.message}`);
    }
    process.stdout.write('.');
  }
}
await Promise.all([worker(), worker()]);
process.stdout.write('\n\n');

console.log(`| server | ${WORKLOADS.map((w) => w.name).join(' | ')} |`);
console.log(`| --- | ${WORKLOADS.map(() => '---').join(' | ')} |`);
for (const kind of KINDS) {
  const cells = WORKLOADS.map(({ name }) => {
    const count = counts[name]?.[kind];
    if (count === undefined) return 'not measured';
    const ratio = count / counts[name].floor;
    return `${Math.round(count / 1000)}k (${ratio.toFixed(3)})`;
  });
  console.log(`| ${kind} | ${cells.join(' | ')} |`);
}
console.log(
  '\nThousands of instructions per request on the main thread, and the ratio to the floor.',
);
if (problems.length > 0) {
  console.log(`\nNot measured:\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
}
