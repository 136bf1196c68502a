import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// `npm run demo`, as the README describes it, on the build that Jest's
// global set-up made.
describe('the demo', () => {
  it('sends four deliveries through the CLI and finds every answer as expected', () => {
    const root = join(__dirname, '..');
    const output = execFileSync(
      process.execPath,
      ['scripts/demo.mjs', '--no-build'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );

    const rows = output
      .split('\n')
      .filter((line) => /\s(ok|UNEXPECTED)$/.test(line));
    expect(rows).toHaveLength(4);
    expect(rows.filter((row) => row.endsWith(' ok'))).toHaveLength(4);
    expect(output).toMatch(
      /forged signature\s+\d+\s+401\s+401\s+signature\.mismatch/,
    );
    expect(output).toMatch(
      /oversized body \(3 MB\)\s+\d+\s+413\s+413\s+body\.too_large/,
    );
    expect(output).toContain('Every answer was the expected one.');
  }, 60_000);
});
