import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Installs the packed tarball into a scratch project and uses it the ways
// users do. The build comes from Jest's global set-up.
const root = join(__dirname, '..');
const fixtures = join(__dirname, 'consumer');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let project: string;

function run(command: string, args: string[], cwd = project): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'rr-consumer-'));
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', project], root);
  const [tarball] = readdirSync(project).filter((name) =>
    name.endsWith('.tgz'),
  );
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true }),
  );
  run('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    `./${tarball}`,
    '@types/node@20',
  ]);
  for (const file of ['consumer.cjs', 'consumer.mjs', 'usage.ts']) {
    copyFileSync(join(fixtures, file), join(project, file));
  }
  copyFileSync(join(fixtures, 'usage.ts'), join(project, 'usage.mts'));
  copyFileSync(join(fixtures, 'usage.ts'), join(project, 'usage.cts'));
}, 180_000);

describe('the packed package, installed', () => {
  it('works with require() for the main entry, /testing and /web', () => {
    expect(JSON.parse(run(process.execPath, ['consumer.cjs']))).toEqual({
      middleware: 'function',
      verified: true,
      handler: 'function',
    });
  });

  it('works with import for the main entry, /testing and /web', () => {
    expect(JSON.parse(run(process.execPath, ['consumer.mjs']))).toEqual({
      middleware: 'function',
      verified: true,
      handled: 200,
    });
  });

  it.each([
    [
      'node16, from ES modules and CommonJS',
      [
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        'usage.mts',
        'usage.cts',
      ],
    ],
    [
      'bundler',
      ['--module', 'esnext', '--moduleResolution', 'bundler', 'usage.ts'],
    ],
  ])('type-checks under moduleResolution %s', (_label, args) => {
    const common = [
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--lib',
      'es2022,dom',
      '--types',
      'node',
      '--skipLibCheck',
      'false',
    ];

    const result = spawnSync(process.execPath, [tsc, ...common, ...args], {
      cwd: project,
      encoding: 'utf8',
    });

    expect({ status: result.status, output: result.stdout }).toEqual({
      status: 0,
      output: '',
    });
  });
});
