import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Checks the package as npm would publish it, from the build that Jest's
// global set-up makes before the suites run.
const root = join(__dirname, '..');

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: root, encoding: 'utf8' });
}

describe('the published package', () => {
  it('ships the build, README, licence and manifest only', () => {
    const [pack] = JSON.parse(
      run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']),
    ) as {
      files: { path: string }[];
    }[];
    const files = pack!.files.map((f) => f.path);

    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'LICENSE', 'package.json']),
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/cjs/index.js',
        'dist/esm/index.js',
        'dist/cjs/index.d.ts',
      ]),
    );
    const outside = files.filter(
      (f) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f),
    );
    expect(outside).toEqual([]);
  });

  it('loads with require() and with import, exposing the same API', () => {
    const script = `
      const cjs = require('rocketreach-webhooks');
      import('rocketreach-webhooks').then((esm) => {
        const names = (m) => Object.keys(m).filter((k) => k !== 'default').sort().join(',');
        console.log(JSON.stringify({
          cjs: names(cjs), esm: names(esm),
          signature: cjs.sign('s', '{}') === esm.sign('s', '{}'),
        testing: typeof require('rocketreach-webhooks/testing').signedDelivery,
          middleware: typeof esm.rocketreachWebhook({ secret: 's' }),
        }));
      });`;
    const result = JSON.parse(run(process.execPath, ['-e', script])) as Record<
      string,
      unknown
    >;

    expect(result.cjs).toBe(result.esm);
    expect(String(result.cjs).split(',')).toEqual(
      expect.arrayContaining([
        'rocketreachWebhook',
        'sign',
        'verifySignature',
        'captureRawBody',
        'RocketReachWebhookError',
        'profileSchema',
        'payloadSchema',
      ]),
    );
    expect(result.signature).toBe(true);
    expect(result.middleware).toBe('function');
    expect(result.testing).toBe('function');
  });
});

describe('the command-line tool', () => {
  it('is declared as a bin and starts with a node shebang', () => {
    const manifest = JSON.parse(run('npm', ['pkg', 'get', 'bin'])) as Record<
      string,
      string
    >;
    const path = manifest['rocketreach-webhooks']!;

    expect(readFileSync(join(root, path), 'utf8').split('\n')[0]).toBe(
      '#!/usr/bin/env node',
    );
  });
});
