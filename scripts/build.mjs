// Builds the CommonJS and ES module outputs side by side, each folder marked
// with its module type so Node reads its .js and .d.ts files the right way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const tsc = ['node_modules/typescript/bin/tsc', '-p'];
const outputs = [
  ['tsconfig.build.json', 'dist/cjs', 'commonjs'],
  ['tsconfig.esm.json', 'dist/esm', 'module'],
];

rmSync('dist', { recursive: true, force: true });
for (const [project, folder, type] of outputs) {
  execFileSync(process.execPath, [...tsc, project], { stdio: 'inherit' });
  mkdirSync(folder, { recursive: true });
  writeFileSync(`${folder}/package.json`, `${JSON.stringify({ type })}\n`);
}
