// Starts the example app on a free port, sends it four deliveries through the
// CLI (signed single, signed bulk, forged, oversized), prints what happened,
// and exits 0 only when every answer was the expected one.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';

const SECRET = 'demo-secret-for-the-example-app';
const node = process.execPath;
const cli = 'dist/cjs/cli/bin.js';

// --no-build reuses a build already made (the test suite makes one).
if (!process.argv.includes('--no-build')) {
  console.log('Building the package...');
  execFileSync(node, ['scripts/build.mjs'], { stdio: 'inherit' });
}
console.log('Building the example app...');
execFileSync(
  node,
  ['node_modules/typescript/bin/tsc', '-p', 'example-app/tsconfig.json'],
  {
    stdio: 'inherit',
  },
);

const app = spawn(node, ['example-app/dist/server.js'], {
  env: { ...process.env, PORT: '0', ROCKETREACH_WEBHOOK_SECRET: SECRET },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const appLog = [];
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(
    () => reject(new Error('the example app did not start')),
    15000,
  );
  app.stdout.setEncoding('utf8');
  app.stdout.on('data', (text) => {
    for (const line of text.split('\n').filter(Boolean)) {
      appLog.push(line);
      const match = /Receiving RocketReach webhooks on (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    }
  });
  app.stderr.on('data', (text) => appLog.push(String(text).trim()));
  app.on('exit', (code) =>
    reject(new Error(`the example app exited with ${code}`)),
  );
});

const cases = [
  ['signed single profile', [], 200],
  ['signed bulk, 100 profiles', ['--bulk', '100'], 200],
  ['forged signature', ['--tamper'], 401],
  ['oversized body (3 MB)', ['--size', '3mb'], 413],
];

const rows = [];
let allExpected = true;
for (const [label, args, expected] of cases) {
  const run = spawn(
    node,
    [cli, 'send', url, '--json', '--expect', String(expected), ...args],
    {
      env: { ...process.env, ROCKETREACH_WEBHOOK_SECRET: SECRET },
    },
  );
  let out = '';
  run.stdout.on('data', (chunk) => (out += chunk));
  run.stderr.on('data', (chunk) => (out += chunk));
  const [exitCode] = await once(run, 'exit');

  let result = {
    status: 'no answer',
    milliseconds: '-',
    bytes: '-',
    body: out.trim(),
  };
  try {
    result = JSON.parse(out);
  } catch {
    // keep the raw output in the table
  }
  const code = /"code":"([^"]+)"/.exec(result.body)?.[1] ?? '';
  const ok = exitCode === 0 && result.status === expected;
  allExpected &&= ok;
  rows.push([
    label,
    result.bytes,
    expected,
    result.status,
    code,
    result.milliseconds,
    ok ? 'ok' : 'UNEXPECTED',
  ]);
}

app.kill('SIGTERM');
await once(app, 'exit');

const header = ['sent', 'bytes', 'expected', 'answered', 'code', 'ms', ''];
const table = [header, ...rows].map((row) => row.map(String));
const widths = header.map((_, i) =>
  Math.max(...table.map((row) => row[i].length)),
);
console.log('');
for (const row of table)
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
console.log('\nWhat the example app logged:');
for (const line of appLog)
  console.log(`  ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
console.log(
  allExpected
    ? '\nEvery answer was the expected one.'
    : '\nSome answers were not expected.',
);
process.exitCode = allExpected ? 0 : 1;
