import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import type { RocketReachWebhookOptions } from '../src/index';
import { expressHarness, WEBHOOK_PATH } from './support/apps';
import { delivery } from './support/deliveries';
import { profile, SECRET } from './support/fixtures';
import { listen, type Listening } from './support/server';
import { sleep } from './support/time';

interface Target extends Listening {
  onSingle: jest.Mock;
  /** The codes of the refusals handed to the app's error handler so far. */
  codes: () => string[];
}

async function start(
  options: Partial<RocketReachWebhookOptions> = {},
): Promise<Target> {
  const onSingle = jest.fn();
  const { app, errors } = expressHarness({
    secret: SECRET,
    onSingle,
    ...options,
  });
  const listening = await listen(app);
  const codes = () => errors.map((error) => (error as { code: string }).code);
  return { ...listening, onSingle, codes };
}

/** Writes raw bytes on a fresh connection and collects what comes back. */
function exchange(
  port: number,
  write: (socket: ReturnType<typeof connect>) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => write(socket));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE')
        resolve(received);
      else reject(error);
    });
  });
}

function head(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A plain valid delivery, to show the server still serves afterwards. */
function stillServes(port: number): Promise<number | undefined> {
  const { body, headers } = delivery(profile(99));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: WEBHOOK_PATH,
        headers,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('hostile and broken requests', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeAll(() => process.on('warning', onWarning));
  afterAll(() => process.off('warning', onWarning));

  it('survives a client that aborts mid-body', async () => {
    const target = await start();
    try {
      const signed = delivery(profile(1));
      for (let i = 0; i < 20; i++) {
        await exchange(target.port, (socket) => {
          socket.write(
            head([
              `POST ${WEBHOOK_PATH} HTTP/1.1`,
              'Host: x',
              `Content-Length: ${signed.body.length}`,
              `X-RocketReach-Signature: ${signed.headers['x-rocketreach-signature']}`,
            ]),
          );
          socket.write(signed.body.subarray(0, 100));
          setTimeout(() => socket.destroy(), 10);
        });
      }
      await sleep(50);

      expect(target.onSingle).not.toHaveBeenCalled();
      expect(target.codes()).toEqual(Array(20).fill('body.aborted'));
      expect(await stillServes(target.port)).toBe(200);
      expect(target.onSingle).toHaveBeenCalledTimes(1);
    } finally {
      await target.close();
    }
  });

  it('answers 408 body.timeout to a body that trickles in too slowly', async () => {
    const target = await start({ bodyTimeout: 200 });
    try {
      const signed = delivery(profile(1));
      const answer = await exchange(target.port, (socket) => {
        socket.write(
          head([
            `POST ${WEBHOOK_PATH} HTTP/1.1`,
            'Host: x',
            `Content-Length: ${signed.body.length}`,
            `X-RocketReach-Signature: ${signed.headers['x-rocketreach-signature']}`,
          ]),
        );
        let offset = 0;
        const drip = setInterval(() => {
          if (socket.destroyed || offset >= signed.body.length)
            return clearInterval(drip);
          socket.write(signed.body.subarray(offset, offset + 1));
          offset += 1;
        }, 20);
        socket.on('close', () => clearInterval(drip));
      });

      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
      expect(answer).toContain('"code":"body.timeout"');
      expect(target.onSingle).not.toHaveBeenCalled();
      expect(await stillServes(target.port)).toBe(200);
    } finally {
      await target.close();
    }
  });

  it('verifies only the bytes a lying short Content-Length announces', async () => {
    const target = await start();
    try {
      const signed = delivery(profile(1));
      const answer = await exchange(target.port, (socket) => {
        socket.end(
          Buffer.concat([
            Buffer.from(
              head([
                `POST ${WEBHOOK_PATH} HTTP/1.1`,
                'Host: x',
                `Content-Length: ${signed.body.length - 20}`,
                `X-RocketReach-Signature: ${signed.headers['x-rocketreach-signature']}`,
              ]),
            ),
            signed.body,
          ]),
        );
      });

      // The middleware refuses the truncated body; the bytes beyond it reach
      // Node's parser as a broken second request, which Node answers 400 and
      // closes. Which answer is written first is a race between the two.
      await sleep(50);
      expect(target.codes()).toEqual(['signature.mismatch']);
      expect(answer).toMatch(/^HTTP\/1\.1 40[01] /);
      expect(target.onSingle).not.toHaveBeenCalled();
      expect(await stillServes(target.port)).toBe(200);
    } finally {
      await target.close();
    }
  });

  it('answers 401 signature.malformed to repeated signature headers', async () => {
    const target = await start();
    try {
      const signed = delivery(profile(1));
      const signature = signed.headers['x-rocketreach-signature'];
      const answer = await exchange(target.port, (socket) => {
        socket.end(
          Buffer.concat([
            Buffer.from(
              head([
                `POST ${WEBHOOK_PATH} HTTP/1.1`,
                'Host: x',
                'Connection: close',
                `Content-Length: ${signed.body.length}`,
                `X-RocketReach-Signature: ${signature}`,
                `X-RocketReach-Signature: ${signature}`,
              ]),
            ),
            signed.body,
          ]),
        );
      });

      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer).toContain('"code":"signature.malformed"');
      expect(target.onSingle).not.toHaveBeenCalled();
    } finally {
      await target.close();
    }
  });

  it('is shielded by Node from an enormous header: 431, and it keeps serving', async () => {
    const target = await start();
    try {
      const answer = await exchange(target.port, (socket) => {
        socket.end(
          head([
            `POST ${WEBHOOK_PATH} HTTP/1.1`,
            'Host: x',
            `X-RocketReach-Signature: ${'A'.repeat(64 * 1024)}`,
            'Content-Length: 0',
          ]),
        );
      });

      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(target.codes()).toEqual([]);
      expect(await stillServes(target.port)).toBe(200);
    } finally {
      await target.close();
    }
  });

  it('refuses a chunked body past the limit and closes the connection', async () => {
    const target = await start({ limit: 2048 });
    try {
      const signed = delivery(profile(1));
      const answer = await exchange(target.port, (socket) => {
        socket.write(
          head([
            `POST ${WEBHOOK_PATH} HTTP/1.1`,
            'Host: x',
            'Transfer-Encoding: chunked',
            `X-RocketReach-Signature: ${signed.headers['x-rocketreach-signature']}`,
          ]),
        );
        const chunk = 'x'.repeat(1024);
        for (let i = 0; i < 8; i++)
          socket.write(`${(1024).toString(16)}\r\n${chunk}\r\n`);
      });

      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
      expect(target.onSingle).not.toHaveBeenCalled();
    } finally {
      await target.close();
    }
  });

  it('raised no process warning (such as a listener leak) along the way', () => {
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });
});
