import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import express from 'express';

import { WEBHOOK_PATH } from './support/apps';
import { OTHER_SECRET, profile, SECRET } from './support/fixtures';
import { referenceSignature } from './support/reference';
import { listen, listenWithWebhook, type Listening } from './support/server';

const BIN = join(__dirname, '..', 'dist', 'cjs', 'cli', 'bin.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, without the secret in the environment. */
function cli(
  args: string[],
  {
    stdin,
    env = {},
  }: { stdin?: string | Buffer; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const { ROCKETREACH_WEBHOOK_SECRET: _unset, ...base } = process.env;
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...base, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const dir = mkdtempSync(join(tmpdir(), 'rr-cli-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function expectNoStack(run: Run) {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
}

describe('send', () => {
  let receiver: Listening;
  const single = jest.fn();
  const bulk = jest.fn();

  beforeAll(async () => {
    receiver = await listenWithWebhook({
      secret: SECRET,
      onSingle: single,
      onBulk: bulk,
    });
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    single.mockClear();
    bulk.mockClear();
  });

  it('delivers a signed profile, prints status, time and body, and exits 0', async () => {
    const run = await cli([
      'send',
      receiver.url,
      '--secret',
      SECRET,
      '--request-id',
      'req-1',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^200 in \d+(\.\d)? ms \(sent \d+ bytes, request req-1\)\n\{"received":true\}\n$/,
    );
    expect(single).toHaveBeenCalledTimes(1);
    expect(single.mock.calls[0]?.[1].requestId).toBe('req-1');
  });

  it('takes the secret from ROCKETREACH_WEBHOOK_SECRET', async () => {
    const run = await cli(['send', receiver.url], {
      env: { ROCKETREACH_WEBHOOK_SECRET: SECRET },
    });

    expect(run.code).toBe(0);
    expect(single).toHaveBeenCalledTimes(1);
  });

  it('sends a bulk delivery with --bulk and prints JSON with --json', async () => {
    const run = await cli([
      'send',
      receiver.url,
      '--secret',
      SECRET,
      '--bulk',
      '25',
      '--json',
    ]);

    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as { status: number; body: string };
    expect(printed.status).toBe(200);
    expect(JSON.parse(printed.body)).toEqual({ received: true });
    expect(bulk.mock.calls[0]?.[0]).toHaveLength(25);
  });

  it('sends a file byte for byte with --file', async () => {
    const raw = JSON.stringify(profile(77), null, 3);
    const run = await cli([
      'send',
      receiver.url,
      '--secret',
      SECRET,
      '--file',
      file('p.json', raw),
    ]);

    expect(run.code).toBe(0);
    expect(Buffer.from(single.mock.calls[0]?.[1].rawBody).toString()).toBe(raw);
  });

  it('exits 1 when the receiver does not answer 2xx', async () => {
    const run = await cli(['send', receiver.url, '--secret', OTHER_SECRET]);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^401 in /);
    expect(run.stdout).toContain('signature.mismatch');
    expect(single).not.toHaveBeenCalled();
  });

  it('exits 0 with --tamper when the forged delivery is refused', async () => {
    const run = await cli([
      'send',
      receiver.url,
      '--secret',
      SECRET,
      '--tamper',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^401 in .*forged signature/);
    expect(single).not.toHaveBeenCalled();
  });

  it('exits 1 with --tamper when the receiver accepts a forged delivery', async () => {
    const careless = express();
    careless.post(WEBHOOK_PATH, (_req, res) => {
      res.json({ received: true });
    });
    const accepting = await listen(careless);
    try {
      const run = await cli([
        'send',
        accepting.url,
        '--secret',
        SECRET,
        '--tamper',
      ]);

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^200 in /);
    } finally {
      await accepting.close();
    }
  });

  it('reads the 413 for an oversized body, and --expect makes it the success', async () => {
    const plain = await cli([
      'send',
      receiver.url,
      '--secret',
      SECRET,
      '--size',
      '3mb',
    ]);
    const expected = await cli([
      'send',
      receiver.url,
      '--secret',
      SECRET,
      '--size',
      '3mb',
      '--expect',
      '413',
    ]);

    // whole objects, so that a failure shows what the CLI printed
    expect(plain).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^413 in .*sent 3145728 bytes/),
    });
    expect(expected).toMatchObject({ code: 0, stderr: '' });
    expect(single).not.toHaveBeenCalled();
  });

  it('exits 3 with a one-line error when nothing listens at the URL', async () => {
    const closed = await listen(express());
    await closed.close();

    const run = await cli(['send', closed.url, '--secret', SECRET]);

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^error: Could not reach http:\/\/127\.0\.0\.1:\d+: nothing is listening there\.\n$/,
    );
    expectNoStack(run);
  });

  it.each([
    ['no URL', ['send', '--secret', SECRET], /send needs exactly one URL/],
    [
      'a URL without scheme',
      ['send', 'localhost:3000/x', '--secret', SECRET],
      /send takes an http or https URL|is not a URL/,
    ],
    [
      'no secret',
      ['send', 'http://127.0.0.1:9/x'],
      /No secret: pass --secret or set ROCKETREACH_WEBHOOK_SECRET/,
    ],
    [
      'a bulk of 101',
      ['send', 'http://127.0.0.1:9/x', '--secret', 's', '--bulk', '101'],
      /--bulk takes a whole number from 1 to 100; got "101"/,
    ],
    [
      '--bulk with --file',
      [
        'send',
        'http://127.0.0.1:9/x',
        '--secret',
        's',
        '--bulk',
        '2',
        '--file',
        'x',
      ],
      /Choose one of --bulk, --file and --size/,
    ],
    [
      'an unknown option',
      ['send', 'http://127.0.0.1:9/x', '--sekret', 's'],
      /Unknown option '--sekret'/,
    ],
    [
      'a missing file',
      [
        'send',
        'http://127.0.0.1:9/x',
        '--secret',
        's',
        '--file',
        '/nonexistent/x.json',
      ],
      /No such file: \/nonexistent\/x\.json\./,
    ],
  ])('exits 2 and explains %s', async (_label, args, message) => {
    const run = await cli(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain(
      'Run "rocketreach-webhooks send --help" for usage.',
    );
    expectNoStack(run);
  });
});

describe('sign', () => {
  const body = JSON.stringify({ id: 1, name: 'Zoë 山田' });

  it("prints the same signature as the provider's sample, from a file or stdin", async () => {
    const fromFile = await cli([
      'sign',
      file('b.json', body),
      '--secret',
      SECRET,
    ]);
    const fromStdin = await cli(['sign', '--secret', SECRET], { stdin: body });

    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(`${referenceSignature(SECRET, body)}\n`);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('exits 2 without a secret', async () => {
    const run = await cli(['sign'], { stdin: body });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No secret/);
  });
});

describe('verify', () => {
  const body = JSON.stringify(profile(1));
  const signature = referenceSignature(SECRET, body);
  const bodyFile = file('verify.json', body);

  it('exits 0 and says so when the signature verifies', async () => {
    const run = await cli([
      'verify',
      bodyFile,
      '--signature',
      signature,
      '--secret',
      SECRET,
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `verified: the signature matches the ${body.length}-byte body.\n`,
    );
  });

  it('accepts any of several secrets', async () => {
    const run = await cli([
      'verify',
      bodyFile,
      '--signature',
      signature,
      '--secret',
      OTHER_SECRET,
      '--secret',
      SECRET,
    ]);

    expect(run.code).toBe(0);
  });

  it('finds whitespace around the secret', async () => {
    const run = await cli([
      'verify',
      bodyFile,
      '--signature',
      signature,
      '--secret',
      `${SECRET}\n`,
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'A secret has whitespace around it: the trimmed secret verifies.',
    );
    expect(run.stdout).not.toContain(SECRET);
  });

  it('finds a body that was re-serialised', async () => {
    const pretty = file('pretty.json', JSON.stringify(profile(1), null, 2));

    const run = await cli([
      'verify',
      pretty,
      '--signature',
      signature,
      '--secret',
      SECRET,
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'The body was re-serialised: the compact JSON of the same value verifies.',
    );
  });

  it('finds a secret from another webhook', async () => {
    const run = await cli([
      'verify',
      bodyFile,
      '--signature',
      referenceSignature(OTHER_SECRET, body),
      '--secret',
      SECRET,
      '--other-secret',
      'unrelated',
      '--other-secret',
      OTHER_SECRET,
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "The signature was made with another webhook's secret (--other-secret number 2).",
    );
  });

  it('finds an empty body', async () => {
    const run = await cli(
      ['verify', '--signature', signature, '--secret', SECRET],
      { stdin: '' },
    );

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The body is empty.');
  });

  it('explains a signature in the wrong encoding', async () => {
    const hex = Buffer.from(signature, 'base64').toString('hex');

    const run = await cli([
      'verify',
      bodyFile,
      '--signature',
      hex,
      '--secret',
      SECRET,
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The signature looks like hex.');
  });

  it('says when it finds no likely cause', async () => {
    const run = await cli([
      'verify',
      bodyFile,
      '--signature',
      referenceSignature('who knows', body),
      '--secret',
      SECRET,
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('No likely cause found.');
  });

  it('exits 2 without --signature', async () => {
    const run = await cli(['verify', bodyFile, '--secret', SECRET]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/verify needs --signature/);
  });
});

describe('help', () => {
  it.each([
    [['--help'], /Usage: rocketreach-webhooks <command>/],
    [['send', '--help'], /Usage: rocketreach-webhooks send <url>/],
    [['sign', '--help'], /Usage: rocketreach-webhooks sign/],
    [['verify', '--help'], /Usage: rocketreach-webhooks verify/],
  ])('%j prints usage and exits 0', async (args, usage) => {
    const run = await cli(args);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(usage);
    expect(run.stdout).toMatch(/Exit codes:/);
  });

  it('exits 2 for an unknown command, naming the commands', async () => {
    const run = await cli(['resend']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'Unknown command "resend". Commands: send, sign, verify.',
    );
  });

  it('prints usage and exits 2 when run without a command', async () => {
    const run = await cli([]);

    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/Usage: rocketreach-webhooks <command>/);
  });
});
