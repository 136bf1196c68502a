// Runs once before the suites: builds the package (the CLI and packaging
// suites use the build) and makes sure a Redis server is there for the
// idempotency suites. CI starts one and sets REDIS_URL; elsewhere a private
// server is started on a free loopback port and stopped afterwards.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const { createServer } = require('node:net');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      "The tests need a Redis server. Install Debian's redis-server package " +
        '(apt-get install redis-server), or set REDIS_URL to a server to use.',
    );
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    const ping = spawnSync(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(port), 'ping'],
      {
        encoding: 'utf8',
      },
    );
    if (ping.stdout?.trim() === 'PONG')
      return { child, url: `redis://127.0.0.1:${port}` };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new Error(`redis-server did not answer on 127.0.0.1:${port}`);
}

module.exports = async function globalSetup() {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });

  if (!process.env.REDIS_URL) {
    const { child, url } = await startRedis();
    process.env.REDIS_URL = url;
    globalThis.startedRedis = child;
  }
};
