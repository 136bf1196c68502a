#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { main } from './main.js';

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => readFileSync(0),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
