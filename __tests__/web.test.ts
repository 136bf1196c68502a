import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

import { Hono } from 'hono';

import {
  createWebhookHandler,
  memoryStore,
  verifyWebhookRequest,
  type RocketReachDelivery,
} from '../src/web';
import { recordingLogger } from './support/apps';
import { delivery, type Delivery } from './support/deliveries';
import { profile, REQUEST_ID, SECRET } from './support/fixtures';

const URL_ = 'https://app.example.com/webhooks/rocketreach';

function webRequest(
  { body, headers }: Delivery,
  init: RequestInit = {},
): Request {
  return new Request(URL_, { method: 'POST', headers, body, ...init });
}

describe('verifyWebhookRequest', () => {
  it('resolves to the verified delivery with its request ID', async () => {
    const d = await verifyWebhookRequest(
      webRequest(delivery([profile(1), profile(2)])),
      {
        secret: SECRET,
      },
    );

    expect(d.kind).toBe('bulk');
    expect(d.requestId).toBe(REQUEST_ID);
    expect(d.profiles.map((p) => p.id)).toEqual([1, 2]);
  });

  it('rejects with a RocketReachWebhookError carrying the code and status', async () => {
    const forged = delivery(profile(1), { secret: 'another' });

    await expect(
      verifyWebhookRequest(webRequest(forged), { secret: SECRET }),
    ).rejects.toMatchObject({
      name: 'RocketReachWebhookError',
      code: 'signature.mismatch',
      status: 401,
    });
  });

  it('runs the hooks with the Request, and checks a reused options object once', async () => {
    const logger = recordingLogger();
    const seen: Request[] = [];
    const options = {
      secret: [SECRET, undefined],
      logger,
      onSingle: (_p: unknown, _d: unknown, req: Request) => void seen.push(req),
    };
    const first = webRequest(delivery(profile(1)));

    await verifyWebhookRequest(first, options);
    await verifyWebhookRequest(webRequest(delivery(profile(2))), options);

    expect(seen[0]).toBe(first);
    expect(seen).toHaveLength(2);
    expect(logger.warnings).toHaveLength(1);
  });

  it('refuses a body that was already read, as a configuration error', async () => {
    const req = webRequest(delivery(profile(1)));
    await req.text();

    await expect(
      verifyWebhookRequest(req, { secret: SECRET }),
    ).rejects.toMatchObject({
      code: 'body.already_parsed',
      status: 500,
      message: expect.stringContaining('request.clone()'),
    });
  });

  it('stops reading a streamed body without Content-Length once it passes the limit', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(32));
        if (pulled === 1000) controller.close();
      },
    });
    const signed = delivery(profile(1));
    const req = new Request(URL_, {
      method: 'POST',
      headers: signed.headers,
      body: stream,
      duplex: 'half',
    } as RequestInit);

    await expect(
      verifyWebhookRequest(req, { secret: SECRET, limit: '8kb' }),
    ).rejects.toMatchObject({
      code: 'body.too_large',
      status: 413,
    });
    expect(pulled).toBeLessThan(20);
  });
});

describe('timeouts on the Web adapter', () => {
  it('answers 408 body.timeout when the body stops arriving', async () => {
    const onSingle = jest.fn();
    const handler = createWebhookHandler({
      secret: SECRET,
      bodyTimeout: 100,
      onSingle,
    });
    const signed = delivery(profile(1));
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(signed.body.subarray(0, 50)));
      },
    });

    const res = await handler(
      new Request(URL_, {
        method: 'POST',
        headers: signed.headers,
        body: stalled,
        duplex: 'half',
      } as RequestInit),
    );

    expect(res.status).toBe(408);
    expect(await res.json()).toMatchObject({ error: { code: 'body.timeout' } });
    expect(onSingle).not.toHaveBeenCalled();
  });

  it('answers 503 hook.timeout when the hooks take longer than hookTimeout', async () => {
    let finished = false;
    const handler = createWebhookHandler({
      secret: SECRET,
      hookTimeout: 50,
      onError: () => undefined,
      async onSingle() {
        await new Promise((resolve) => setTimeout(resolve, 200));
        finished = true;
      },
    });

    const res = await handler(webRequest(delivery(profile(1))));

    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'hook.timeout' } });
    expect(finished).toBe(false);
  });
});

describe('createWebhookHandler', () => {
  it('answers 405 with Allow: POST for other methods', async () => {
    const onSingle = jest.fn();
    const handler = createWebhookHandler({ secret: SECRET, onSingle });

    const res = await handler(new Request(URL_, { method: 'GET' }));

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toEqual({
      error: {
        code: 'method.not_allowed',
        message: 'RocketReach delivers webhooks with POST.',
      },
    });
    expect(onSingle).not.toHaveBeenCalled();
  });

  it("sends no message for a 5xx, and no detail of the hook's error", async () => {
    const handler = createWebhookHandler({
      secret: SECRET,
      onSingle() {
        throw new Error('database password is hunter2');
      },
    });

    const res = await handler(webRequest(delivery(profile(1))));

    expect(res.status).toBe(500);
    expect(await res.text()).toBe('{"error":{"code":"hook.failed"}}');
  });

  it('refuses options that cannot work when it is created', () => {
    expect(() => createWebhookHandler({ secret: '' })).toThrow(TypeError);
    expect(() =>
      createWebhookHandler({ secret: SECRET, respond: true } as never),
    ).toThrow('createWebhookHandler does not take an option named "respond".');
  });

  it('explains export const POST = createWebhookHandler written without the call', () => {
    const call = createWebhookHandler as unknown as (req: Request) => unknown;

    expect(() => call(new Request(URL_, { method: 'POST' }))).toThrow(
      'createWebhookHandler was given a request: it makes the handler, it is not the handler. ' +
        'Call it with options: export const POST = createWebhookHandler({ secret }).',
    );
  });
});

describe('createWebhookHandler with idempotency and onRejected', () => {
  it('answers a re-sent copy as a duplicate without running the hooks again', async () => {
    const onSingle = jest.fn();
    const onRejected = jest.fn();
    const handler = createWebhookHandler({
      secret: SECRET,
      onSingle,
      onRejected,
      idempotency: { store: memoryStore() },
    });
    const sent = delivery(profile(1), { requestId: 'web-dup-1' });

    const first = await handler(webRequest(sent));
    const second = await handler(webRequest(sent));
    const forged = await handler(
      webRequest(delivery(profile(1), { secret: 'other' })),
    );

    expect(await first.json()).toEqual({ received: true });
    expect(await second.json()).toEqual({ received: true, duplicate: true });
    expect(forged.status).toBe(401);
    expect(onSingle).toHaveBeenCalledTimes(1);
    expect(onRejected).toHaveBeenCalledWith({
      code: 'signature.mismatch',
      status: 401,
      requestId: REQUEST_ID,
    });
  });
});

describe('in the frameworks users run', () => {
  it('serves a Hono route through its request API', async () => {
    const saved: number[] = [];
    const app = new Hono();
    const handler = createWebhookHandler({
      secret: SECRET,
      onSingle: (p) => void saved.push(p.id),
    });
    app.post('/webhooks/rocketreach', (c) => handler(c.req.raw));
    app.post('/manual', async (c) => {
      const d: RocketReachDelivery = await verifyWebhookRequest(c.req.raw, {
        secret: SECRET,
      });
      return c.json({ kind: d.kind });
    });

    const signed = delivery(profile(5));
    const res = await app.request('/webhooks/rocketreach', {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    const manual = await app.request('/manual', {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    const forged = await app.request('/webhooks/rocketreach', {
      method: 'POST',
      headers: signed.headers,
      body: JSON.stringify(profile(6)),
    });

    expect(res.status).toBe(200);
    expect(await manual.json()).toEqual({ kind: 'single' });
    expect(forged.status).toBe(401);
    expect(saved).toEqual([5]);
  });

  it('works as a Next.js App Router route handler', async () => {
    const saved: number[] = [];
    // app/webhooks/rocketreach/route.ts
    const route: {
      POST: (
        request: Request,
        context: { params: Promise<Record<string, string>> },
      ) => Promise<Response>;
    } = {
      POST: createWebhookHandler({
        secret: SECRET,
        onBulk: (profiles) => void saved.push(...profiles.map((p) => p.id)),
      }),
    };

    const res = await route.POST(
      webRequest(delivery([profile(7), profile(8)])),
      {
        params: Promise.resolve({}),
      },
    );

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(saved).toEqual([7, 8]);
  });
});

describe('the built web entry', () => {
  // Follows the relative imports of the built ES module entry and lists
  // every module it reaches outside itself.
  function externalImports(entry: string): Set<string> {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      const pattern =
        /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;
      for (const match of source.matchAll(pattern)) {
        const specifier = match[1] ?? match[2]!;
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else external.add(specifier);
      }
    };
    visit(entry);
    return external;
  }

  it('imports no Node built-in module, only zod and bytes', () => {
    const imports = externalImports(
      join(__dirname, '..', 'dist', 'esm', 'web.js'),
    );
    const builtins = new Set(builtinModules);

    expect(
      [...imports].filter(
        (name) => name.startsWith('node:') || builtins.has(name),
      ),
    ).toEqual([]);
    expect([...imports].sort()).toEqual(['bytes', 'zod']);
  });
});
