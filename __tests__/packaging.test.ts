import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// Checks the package as npm would publish it. The build runs once here so the
// suite does not depend on a build left over from an earlier command.
const root = join(__dirname, '..');

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: root, encoding: 'utf8' });
}

beforeAll(() => {
  run(process.execPath, ['scripts/build.mjs']);
}, 120_000);

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
  });
});
