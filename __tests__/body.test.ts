import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';

import express from 'express';
import request from 'supertest';

import { captureRawBody } from '../src/index';
import { expressHarness, WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw } from './support/deliveries';
import { profile, SECRET } from './support/fixtures';
import { listen } from './support/server';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the headers and the given chunks, then waits for the answer. */
function rawPost(
  port: number,
  headers: Record<string, string>,
  chunks: Buffer[],
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: WEBHOOK_PATH, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
        );
      },
    );
    req.on('error', reject);
    // With no chunks the body is left unsent on purpose: only the headers
    // can be answered.
    req.flushHeaders();
    for (const chunk of chunks) req.write(chunk);
    if (chunks.length > 0) req.end();
  });
}

describe('size limit', () => {
  it('responds 413 body.too_large from Content-Length without reading the body', async () => {
    const single = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      limit: 1024,
      onSingle: single,
    });
    const { port, close } = await listen(app);
    try {
      const signed = delivery(profile(1));
      // Announce a 5 MB body but send none of it: only the headers can answer.
      const res = await rawPost(
        port,
        { ...signed.headers, 'content-length': String(5 * 1024 * 1024) },
        [],
      );

      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe('body.too_large');
      expect(res.headers.connection).toBe('close');
      expect(single).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('responds 413 body.too_large for a chunked body that grows past the limit', async () => {
    const single = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      limit: 1024,
      onSingle: single,
    });
    const { port, close } = await listen(app);
    try {
      const signed = delivery(undefined, {
        raw: `{"id":1,"name":"${'x'.repeat(4000)}"}`,
      });
      const res = await rawPost(
        port,
        { ...signed.headers, 'transfer-encoding': 'chunked' },
        [signed.body.subarray(0, 600), signed.body.subarray(600)],
      );

      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe('body.too_large');
      expect(single).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('accepts a body of exactly the limit', async () => {
    const raw = `{"id":1,"name":"${'x'.repeat(100)}"}`;
    const single = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      limit: raw.length,
      onSingle: single,
    });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(undefined, { raw }),
    );

    expect(res.status).toBe(200);
    expect(single).toHaveBeenCalledTimes(1);
  });

  it('takes the limit as a size string', async () => {
    const raw = `{"id":1,"name":"${'x'.repeat(2048)}"}`;
    const { app } = expressHarness({
      secret: SECRET,
      limit: '1kb',
      onSingle: jest.fn(),
    });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(undefined, { raw }),
    );

    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body.too_large');
  });

  it('accepts a 100-profile bulk delivery under the default limit', async () => {
    const bulk = jest.fn();
    const { app } = expressHarness({ secret: SECRET, onBulk: bulk });
    const heavy = Array.from({ length: 100 }, (_, i) =>
      profile(i + 1, {
        job_history: Array.from({ length: 10 }, (_, j) => ({
          company_name: `Example Company ${j}`,
          title: 'Senior Engineer',
          description: 'd'.repeat(400),
          start_date: '2015-01-01',
          end_date: 'Present',
        })),
      }),
    );
    const signed = delivery(heavy);
    expect(signed.body.length).toBeGreaterThan(500_000);

    const res = await sendRaw(request(app).post(WEBHOOK_PATH), signed);

    expect(res.status).toBe(200);
    expect(bulk.mock.calls[0]?.[0]).toHaveLength(100);
  });
});

/** What a raw sender saw of a connection whose body was refused unread. */
interface RefusedConnection {
  answer: string;
  /** The error that ended the connection, if any: a reset once it is closed. */
  socketError: string | undefined;
}

/**
 * Announces a body far over the limit, waits for the whole answer, then goes
 * on writing the body it announced, as a sender does that had not yet read
 * the answer. With `endAfter` it then ends its side; without, it keeps
 * writing a little every 100 ms, which only a closed connection stops.
 */
function keepWritingAfterRefusal(
  port: number,
  head: string,
  { endAfter }: { endAfter: boolean },
): Promise<RefusedConnection> {
  return new Promise((resolve) => {
    let answer = '';
    let socketError: string | undefined;
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('connect', () => socket.write(`${head}\r\n\r\n`));
    socket.on('data', (chunk) => {
      const wasComplete = answer.includes('}');
      answer += chunk.toString();
      if (wasComplete || !answer.includes('}')) return;

      const more = Buffer.alloc(256 * 1024, 0x20);
      for (let i = 0; i < 8; i++) socket.write(more);
      if (endAfter) socket.end();
      else
        trickle = setInterval(() => socket.write(more.subarray(0, 1024)), 100);
    });
    let trickle: NodeJS.Timeout | undefined;
    socket.on('error', (error: NodeJS.ErrnoException) => {
      socketError = error.code ?? error.message;
    });
    socket.on('close', () => {
      clearInterval(trickle);
      resolve({ answer, socketError });
    });
  });
}

describe('closing a connection refused before its body was read', () => {
  // Well formed but never checked: the length alone is refused.
  const BIG_HEAD = [
    `POST ${WEBHOOK_PATH} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${64 * 1024 * 1024}`,
    `X-RocketReach-Signature: ${Buffer.alloc(32).toString('base64')}`,
  ].join('\r\n');

  /** Refuses BIG_HEAD on a real server while the sender goes on writing. */
  async function refusedWhileWriting(endAfter: boolean) {
    const { app } = expressHarness({
      secret: SECRET,
      limit: 1024,
      onSingle: jest.fn(),
      refusals: 'answer',
    });
    const { port, close } = await listen(app);
    try {
      return await keepWritingAfterRefusal(port, BIG_HEAD, { endAfter });
    } finally {
      await close();
    }
  }

  it('lets a sender still writing the body read the 413 and close without a reset', async () => {
    const seen = await refusedWhileWriting(true);

    expect(seen.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(seen.answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(seen.answer).toContain('"code":"body.too_large"');
    expect(seen.socketError).toBeUndefined();
  });

  it('still closes the connection of a sender that goes on writing and never ends', async () => {
    const seen = await refusedWhileWriting(false);

    // The promise settles only on close; once the server has closed its
    // end, the next write is answered with a reset.
    expect(seen.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(['ECONNRESET', 'EPIPE']).toContain(seen.socketError);
  });
});

describe('broken bodies', () => {
  it('responds 415 body.encoding_unsupported for a compressed body', async () => {
    const single = jest.fn();
    const { app } = expressHarness({ secret: SECRET, onSingle: single });
    const signed = delivery(profile(1));

    const res = await sendRaw(request(app).post(WEBHOOK_PATH), {
      body: signed.body,
      headers: { ...signed.headers, 'content-encoding': 'gzip' },
    });

    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('body.encoding_unsupported');
    expect(single).not.toHaveBeenCalled();
  });

  it('refuses with body.aborted when the sender stops short of Content-Length', async () => {
    const single = jest.fn();
    const { app, errors } = expressHarness({
      secret: SECRET,
      onSingle: single,
    });
    const { port, close } = await listen(app);
    try {
      const signed = delivery(profile(1));
      const head = [
        `POST ${WEBHOOK_PATH} HTTP/1.1`,
        'Host: 127.0.0.1',
        `Content-Length: ${signed.body.length + 10}`,
        `X-RocketReach-Signature: ${signed.headers['x-rocketreach-signature']}`,
      ].join('\r\n');

      // Write a body ten bytes short, then close the sending side.
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end(
            Buffer.concat([Buffer.from(`${head}\r\n\r\n`), signed.body]),
          );
        });
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });

      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(errors.map((e) => (e as { code: string }).code)).toEqual([
        'body.aborted',
      ]);
      expect(single).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('absorbs a stream error that comes after an accepted delivery was answered', async () => {
    let received: IncomingMessage | undefined;
    const onRejected = jest.fn();
    const { app, errors } = expressHarness({
      secret: SECRET,
      onRejected,
      onSingle: (_profile, _delivery, req) => {
        received = req;
      },
    });
    const signed = delivery(profile(1));

    const res = await sendRaw(request(app).post(WEBHOOK_PATH), signed);

    expect(res.status).toBe(200);
    expect(received).toBeDefined();
    // Without a listener, an 'error' event throws where it is emitted.
    expect(() =>
      received?.emit('error', new Error('late reset')),
    ).not.toThrow();
    expect(onRejected).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
  });

  it('reads a body of any Content-Type: the signature, not the header, vouches for it', async () => {
    const single = jest.fn();
    const { app } = expressHarness({ secret: SECRET, onSingle: single });
    const signed = delivery(profile(1));

    const res = await sendRaw(request(app).post(WEBHOOK_PATH), {
      body: signed.body,
      headers: { ...signed.headers, 'content-type': 'text/plain' },
    });

    expect(res.status).toBe(200);
    expect(single).toHaveBeenCalledTimes(1);
  });
});

describe('behind a global body parser', () => {
  it('responds 500 body.already_parsed, naming both fixes, when express.json() ran first', async () => {
    const single = jest.fn();
    const { app, errors } = expressHarness(
      { secret: SECRET, onSingle: single },
      (app, mw) => {
        app.use(express.json());
        app.post(WEBHOOK_PATH, mw);
      },
    );

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1)),
    );

    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('body.already_parsed');
    const message = (errors[0] as Error).message;
    expect(message).toMatch(/before\s+express\.json\(\)/);
    expect(message).toContain('express.json({ verify: captureRawBody })');
    expect(single).not.toHaveBeenCalled();
  });

  it('verifies the captured bytes when express.json() has verify: captureRawBody', async () => {
    const single = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, onSingle: single },
      (app, mw) => {
        app.use(express.json({ verify: captureRawBody }));
        app.post(WEBHOOK_PATH, mw);
      },
    );
    const raw = JSON.stringify(profile(7), null, 4);

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(undefined, { raw }),
    );

    expect(res.status).toBe(200);
    expect(single.mock.calls[0]?.[0]).toEqual(profile(7));
  });

  it('still refuses a forged body when the bytes were captured', async () => {
    const single = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, onSingle: single },
      (app, mw) => {
        app.use(express.json({ verify: captureRawBody }));
        app.post(WEBHOOK_PATH, mw);
      },
    );
    const signed = delivery(profile(1));

    const res = await sendRaw(request(app).post(WEBHOOK_PATH), {
      body: Buffer.from(JSON.stringify(profile(2))),
      headers: signed.headers,
    });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature.mismatch');
    expect(single).not.toHaveBeenCalled();
  });

  it('holds captured bytes to its own limit: 413 past it', async () => {
    const single = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, limit: 1024, onSingle: single },
      (app, mw) => {
        app.use(express.json({ limit: '10mb', verify: captureRawBody }));
        app.post(WEBHOOK_PATH, mw);
      },
    );
    const { port, close } = await listen(app);
    try {
      const raw = JSON.stringify(profile(1, { note: 'x'.repeat(2000) }));
      const signed = delivery(undefined, { raw });
      // Chunked, so no Content-Length lets the limit act before reading.
      const res = await rawPost(
        port,
        { ...signed.headers, 'transfer-encoding': 'chunked' },
        [signed.body],
      );

      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe('body.too_large');
      expect(single).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('uses the Buffer that express.raw() left in req.body', async () => {
    const single = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, onSingle: single },
      (app, mw) => {
        app.use(express.raw({ type: '*/*' }));
        app.post(WEBHOOK_PATH, mw);
      },
    );

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(8)),
    );

    expect(res.status).toBe(200);
    expect(single.mock.calls[0]?.[0]).toEqual(profile(8));
  });
});
