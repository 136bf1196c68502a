import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_LIMIT, ERROR_STATUS } from '../src/index';

// The README is part of the interface: these checks keep it in step with the
// code it describes.
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('the README', () => {
  it('has one heading per error code, with the status the code carries', () => {
    const documented = [
      ...readme.matchAll(/^### `([a-z_.]+)` \((\d{3})\)$/gm),
    ].map(([, code, status]) => [code, Number(status)]);

    expect(Object.fromEntries(documented)).toEqual(ERROR_STATUS);
  });

  it('states the default limit the code uses', () => {
    expect(readme).toContain(`Default: \`'${DEFAULT_LIMIT}'\`.`);
  });

  it('shows the commands that package.json defines', () => {
    const { scripts } = JSON.parse(
      readFileSync(join(__dirname, '..', 'package.json'), 'utf8'),
    ) as { scripts: Record<string, string> };

    for (const name of [
      'start',
      'demo',
      'bench',
      'bench:instructions',
      'load-check',
    ]) {
      expect(scripts[name]).toBeDefined();
      expect(readme).toContain(
        name === 'start' ? 'npm start' : `npm run ${name}`,
      );
    }
  });
});
