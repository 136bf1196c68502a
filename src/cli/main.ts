import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import bytes from 'bytes';

import { sign } from '../node/hmac.js';
import { buildBulk, buildProfile } from '../testing/fixtures.js';
import { signedDelivery } from '../testing/index.js';
import { diagnose } from './diagnose.js';
import { postBytes, UnreachableError } from './send.js';

/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  /** send: an unexpected status; verify: the signature does not verify. */
  failed: 1,
  usage: 2,
  unreachable: 3,
} as const;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => Buffer;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const SECRET_ENV = 'ROCKETREACH_WEBHOOK_SECRET';

const HELP = {
  main: `Usage: rocketreach-webhooks <command> [options]

Commands:
  send <url>     POST a signed delivery to a receiver
  sign [file]    print the signature of a body (stdin when no file)
  verify [file]  check a body against a signature, and explain a failure

Run "rocketreach-webhooks <command> --help" for a command's options.
The secret comes from --secret or ${SECRET_ENV}.

Exit codes: 0 as expected; 1 unexpected status (send) or not verified
(verify); 2 wrong arguments; 3 receiver unreachable.`,
  send: `Usage: rocketreach-webhooks send <url> [options]

POSTs a delivery signed the way RocketReach signs it, then prints the
status, the time taken and the response body.

Options:
  --secret <secret>      signing secret (default: $${SECRET_ENV})
  --bulk <count>         send a bulk delivery of 1 to 100 profiles
  --file <path>          send this file's bytes as the body (- for stdin)
  --size <size>          pad a single profile to about this size, e.g. 3mb
  --request-id <id>      RR-Request-ID to send (default: a fresh UUID)
  --tamper               send a forged signature; success means refused
  --expect <status>      succeed only on this status
  --timeout <ms>         give up after this long (default: 10000)
  --json                 print one JSON line instead of text

Exit codes: 0 when the receiver answered 2xx (with --tamper: 4xx;
with --expect: that status), 1 otherwise, 2 wrong arguments,
3 receiver unreachable.`,
  sign: `Usage: rocketreach-webhooks sign [file] [--secret <secret>]

Prints the base64 HMAC-SHA256 signature of the file's bytes (stdin when no
file or "-"), exactly as RocketReach computes it.

Exit codes: 0 signed, 2 wrong arguments.`,
  verify: `Usage: rocketreach-webhooks verify [file] --signature <signature> [options]

Checks a body (the file, or stdin) against a signature and, when it does
not verify, looks for the usual causes: whitespace around the secret, a
re-serialised body, another webhook's secret, an empty body.

Options:
  --signature <value>      the X-RocketReach-Signature header received
  --secret <secret>        a secret the receiver uses; repeat for several
                           (default: $${SECRET_ENV})
  --other-secret <secret>  another webhook's secret to check; repeatable

Exit codes: 0 verified, 1 not verified, 2 wrong arguments.`,
};

type Command = keyof typeof HELP;

/** Runs the CLI and resolves to its exit code; never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (
      command === undefined ||
      command === '--help' ||
      command === '-h' ||
      command === 'help'
    ) {
      io.stdout(`${HELP.main}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (!isCommand(command)) {
      throw new UsageError(
        `Unknown command "${command}". Commands: send, sign, verify.`,
      );
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${HELP[command]}\n`);
      return EXIT.ok;
    }
    if (command === 'send') return await runSend(rest, io);
    if (command === 'sign') return runSign(rest, io);
    return runVerify(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(
        `error: ${error.message}\nRun "rocketreach-webhooks ${isCommand(command ?? '') ? `${command} ` : ''}--help" for usage.\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof UnreachableError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.unreachable;
    }
    io.stderr(`error: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
}

function isCommand(value: string): value is Command {
  return value === 'send' || value === 'sign' || value === 'verify';
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains unknown or incomplete options well; keep its words.
    throw new UsageError((error as Error).message);
  }
}

async function runSend(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    secret: { type: 'string' },
    bulk: { type: 'string' },
    file: { type: 'string' },
    size: { type: 'string' },
    'request-id': { type: 'string' },
    tamper: { type: 'boolean', default: false },
    expect: { type: 'string' },
    timeout: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  });

  const url = parseUrl(positionals);
  const secret = requireSecret(values.secret, io);
  const payload = buildPayload(values, io);
  const expected =
    values.expect === undefined ? undefined : parseStatus(values.expect);
  const timeout = parseCount(values.timeout, '--timeout', 1, 600_000);

  const delivery = signedDelivery(payload, {
    secret,
    requestId: values['request-id'],
  });
  const headers: Record<string, string> = { ...delivery.headers };
  if (values.tamper)
    headers['x-rocketreach-signature'] = sign(
      `${secret}-forged`,
      delivery.body,
    );

  const result = await postBytes(url, delivery.body, headers, timeout);
  const ok =
    expected !== undefined
      ? result.status === expected
      : values.tamper
        ? result.status >= 400 && result.status < 500
        : result.status >= 200 && result.status < 300;

  const milliseconds = Math.round(result.milliseconds * 10) / 10;
  if (values.json) {
    io.stdout(
      `${JSON.stringify({ status: result.status, milliseconds, bytes: delivery.body.length, requestId: headers['rr-request-id'], body: result.body })}\n`,
    );
  } else {
    io.stdout(
      `${result.status} in ${milliseconds} ms (sent ${delivery.body.length} bytes, ` +
        `request ${headers['rr-request-id']}${values.tamper ? ', forged signature' : ''})\n` +
        `${result.body}\n`,
    );
  }
  return ok ? EXIT.ok : EXIT.failed;
}

function buildPayload(
  values: { bulk?: string; file?: string; size?: string },
  io: Io,
): unknown {
  const chosen = ['bulk', 'file', 'size'].filter(
    (k) => values[k as keyof typeof values] !== undefined,
  );
  if (chosen.length > 1) {
    throw new UsageError(
      `Choose one of --bulk, --file and --size; got ${chosen.map((k) => `--${k}`).join(' and ')}.`,
    );
  }
  if (values.bulk !== undefined)
    return buildBulk(parseCount(values.bulk, '--bulk', 1, 100));
  if (values.file !== undefined) return readInput(values.file, io);
  if (values.size !== undefined) {
    const size = bytes.parse(values.size);
    if (size === null || !Number.isSafeInteger(size) || size <= 0) {
      throw new UsageError(
        `--size takes a size such as 3mb or 2048; got "${values.size}".`,
      );
    }
    const profile = buildProfile();
    // `,"padding":""` adds 13 bytes around the filler itself.
    const room = size - Buffer.byteLength(JSON.stringify(profile)) - 13;
    return { ...profile, padding: 'x'.repeat(Math.max(0, room)) };
  }
  return buildProfile();
}

function runSign(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { secret: { type: 'string' } });
  if (positionals.length > 1)
    throw new UsageError('sign takes at most one file.');

  const secret = requireSecret(values.secret, io);
  io.stdout(`${sign(secret, readInput(positionals[0] ?? '-', io))}\n`);
  return EXIT.ok;
}

function runVerify(args: string[], io: Io): number {
  const { values, positionals } = parse(args, {
    signature: { type: 'string' },
    secret: { type: 'string', multiple: true },
    'other-secret': { type: 'string', multiple: true, default: [] },
  });
  if (positionals.length > 1)
    throw new UsageError('verify takes at most one file.');
  if (values.signature === undefined) {
    throw new UsageError(
      'verify needs --signature: the X-RocketReach-Signature header received.',
    );
  }

  const secrets = values.secret ?? [requireSecret(undefined, io)];
  const body = readInput(positionals[0] ?? '-', io);
  const result = diagnose({
    body,
    signature: values.signature,
    secrets,
    otherSecrets: values['other-secret'],
  });

  if (result.verified) {
    io.stdout(
      `verified: the signature matches the ${body.length}-byte body.\n`,
    );
    return EXIT.ok;
  }
  io.stdout(
    `not verified. Likely causes:\n${result.causes.map((c) => `  - ${c}`).join('\n')}\n`,
  );
  return EXIT.failed;
}

function requireSecret(value: string | undefined, io: Io): string {
  const secret = value ?? io.env[SECRET_ENV];
  if (secret === undefined || secret === '') {
    throw new UsageError(`No secret: pass --secret or set ${SECRET_ENV}.`);
  }
  return secret;
}

function readInput(path: string, io: Io): Buffer {
  if (path === '-') return io.stdin();
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `No such file: ${path}.`
        : `Cannot read ${path} (${code ?? 'error'}).`,
    );
  }
}

function parseUrl(positionals: string[]): URL {
  if (positionals.length !== 1) {
    throw new UsageError(
      'send needs exactly one URL, such as http://localhost:3000/webhooks/rocketreach.',
    );
  }
  const [text] = positionals as [string];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `"${text}" is not a URL. Include the scheme: http://localhost:3000/...`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `send takes an http or https URL; got ${url.protocol}.`,
    );
  }
  return url;
}

function parseStatus(value: string): number {
  return parseCount(value, '--expect', 100, 599);
}

function parseCount(
  value: string,
  name: string,
  min: number,
  max: number,
): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(
      `${name} takes a whole number from ${min} to ${max}; got "${value}".`,
    );
  }
  return number;
}
