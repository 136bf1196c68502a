// Builds the package once before the suites that run it as users do: the
// CLI as a process, and the packed package.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = function globalSetup() {
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
};
