// What both benchmark scripts share: the bytes sent, how each server is
// signed for, the workloads, command-line helpers and the statistics.
import { createHmac, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { buildBulk, buildProfile } from 'rocketreach-webhooks/testing';

export const SECRET = 'benchmark-secret';
export const FORGED_SECRET = 'not-the-secret';

// the bytes
export const single = Buffer.from(JSON.stringify(buildProfile()));
export const bulk = Buffer.from(JSON.stringify(buildBulk(100)));

export const rrSignature = (body, secret = SECRET) =>
  createHmac('sha256', secret).update(body).digest('base64');
const githubSignature = (body, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The request headers that sign `body` for a server of `kind`. */
export function headersFor(kind, body, forged) {
  const secret = forged ? FORGED_SECRET : SECRET;
  if (kind === 'octokit') {
    return {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': githubSignature(body, secret),
    };
  }
  return {
    'content-type': 'application/json',
    'rr-request-id': randomUUID(),
    'x-rocketreach-signature': rrSignature(body, secret),
  };
}

export const ALL_WORKLOADS = [
  { name: 'valid single', body: single, forged: false },
  { name: 'valid bulk (100)', body: bulk, forged: false },
  { name: 'forged single', body: single, forged: true },
  { name: 'forged bulk (100)', body: bulk, forged: true },
];

/**
 * Parses the command line against `options`, or prints the usage and exits:
 * with 0 for --help, with 2 for anything it cannot read.
 */
export function readOptions(options, usage) {
  let values;
  try {
    ({ values } = parseArgs({
      options: { ...options, help: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    usageError(error.message, usage);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }

  /** An option's positive number (a whole one with `whole`). */
  const positive = (name, whole = false) => {
    const value = Number(values[name]);
    if (!(value > 0) || (whole && !Number.isInteger(value))) {
      usageError(
        `--${name} must be a positive ${whole ? 'whole ' : ''}number`,
        usage,
      );
    }
    return value;
  };

  /**
   * The items a comma-separated option names, in their own order, always
   * with `always`; all of them when the option is not given.
   */
  const chosen = (items, list, nameOf, always) => {
    if (list === undefined) return items;
    const names = list.split(',').map((name) => name.trim());
    const unknown = names.filter(
      (name) => !items.some((i) => nameOf(i) === name),
    );
    if (unknown.length > 0) {
      usageError(
        `unknown: ${unknown.join(', ')}; choose from ${items.map(nameOf).join(', ')}`,
        usage,
      );
    }
    return items.filter(
      (item) => nameOf(item) === always || names.includes(nameOf(item)),
    );
  };

  return { values, positive, chosen };
}

function usageError(message, usage) {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/**
 * Sends a server process (bench/server.mjs) a message and resolves with its
 * first reply that carries `key`.
 */
export function ask(child, message, key) {
  return new Promise((resolve) => {
    const listener = (m) => {
      if (m[key] !== undefined) {
        child.off('message', listener);
        resolve(m);
      }
    };
    child.on('message', listener);
    child.send(message);
  });
}

/**
 * The port a server process (bench/server.mjs) listens on, once it says so;
 * rejects if the process exits first. `how` names the way it was started.
 */
export function listeningPort(child, kind, how = '') {
  return new Promise((resolve, reject) => {
    child.on('message', (m) => m.listening && resolve(m.listening));
    child.once('exit', (code) =>
      reject(new Error(`${kind} exited with ${code}${how}`)),
    );
  });
}

/** Asks a server process to close, and resolves once it has exited. */
export async function stopServer(child) {
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** The q-quantile of a list, interpolating between its two nearest values. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(below + 1, s.length - 1);
  return s[below] + (s[above] - s[below]) * (at - below);
}

export const median = (xs) => quantile(xs, 0.5);
