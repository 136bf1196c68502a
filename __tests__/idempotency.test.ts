import { randomUUID } from 'node:crypto';

import express from 'express';
import Redis from 'ioredis';
import { createClient } from 'redis';
import request from 'supertest';

import {
  memoryStore,
  redisStore,
  rocketreachWebhook,
  type IdempotencyStore,
  type RocketReachWebhookOptions,
} from '../src/index';
import { errorResponder, expressHarness, WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw, type Delivery } from './support/deliveries';
import { profile, SECRET } from './support/fixtures';
import { redisSetups, type StoreSetup } from './support/redis';
import { sleep } from './support/time';

const setups: StoreSetup[] = [
  {
    name: 'memoryStore',
    open: async () => ({ store: memoryStore(), close: async () => undefined }),
  },
  ...redisSetups,
];

/** A delivery no other test sends: its own request ID and profile id. */
function freshDelivery(id = Math.floor(Math.random() * 1e9)): Delivery {
  return delivery(profile(id), { requestId: randomUUID() });
}

function post(app: express.Express, sent: Delivery) {
  return sendRaw(request(app).post(WEBHOOK_PATH), sent);
}

function guardedApp(
  store: IdempotencyStore,
  options: Partial<RocketReachWebhookOptions> = {},
) {
  return expressHarness({ secret: SECRET, idempotency: { store }, ...options })
    .app;
}

describe.each(setups)('$name', (setup) => {
  let store: IdempotencyStore;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ store, close } = await setup.open());
  });
  afterEach(() => close());

  it('runs the hooks once and answers a re-sent copy 200 with duplicate: true', async () => {
    const onSingle = jest.fn();
    const app = guardedApp(store, { onSingle });
    const sent = freshDelivery();

    const first = await post(app, sent);
    const second = await post(app, sent);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toEqual({ received: true });
    expect(second.body).toEqual({ received: true, duplicate: true });
    expect(onSingle).toHaveBeenCalledTimes(1);
  });

  it('shows the duplicate flag to a route handler', async () => {
    const { app } = expressHarness(
      { secret: SECRET, idempotency: { store } },
      (app, middleware) => {
        app.post(WEBHOOK_PATH, middleware, (req, res) => {
          res.json({ duplicate: req.rocketreach?.duplicate });
        });
      },
    );
    const sent = freshDelivery();

    const first = await post(app, sent);
    const second = await post(app, sent);

    expect([first.body, second.body]).toEqual([
      { duplicate: false },
      { duplicate: true },
    ]);
  });

  it('processes the same body again under another request ID', async () => {
    const onSingle = jest.fn();
    const app = guardedApp(store, { onSingle });
    const id = Math.floor(Math.random() * 1e9);

    await post(app, delivery(profile(id), { requestId: randomUUID() }));
    await post(app, delivery(profile(id), { requestId: randomUUID() }));

    expect(onSingle).toHaveBeenCalledTimes(2);
  });

  it("processes a copy again after the first attempt's hook failed", async () => {
    const onSingle = jest
      .fn()
      .mockRejectedValueOnce(new Error('CRM unavailable'))
      .mockResolvedValue(undefined);
    const app = guardedApp(store, { onSingle });
    const sent = freshDelivery();

    const failed = await post(app, sent);
    const retried = await post(app, sent);
    const again = await post(app, sent);

    expect([failed.status, retried.status, again.status]).toEqual([
      500, 200, 200,
    ]);
    expect(failed.body.error.code).toBe('hook.failed');
    expect(again.body).toEqual({ received: true, duplicate: true });
    expect(onSingle).toHaveBeenCalledTimes(2);
  });

  it('runs the hooks once for copies arriving together, refusing the others with 409', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const onSingle = jest.fn(() => gate);
    const app = guardedApp(store, { onSingle });
    const sent = freshDelivery();

    // supertest sends on then(): start all six before the first can finish.
    const copies = Array.from({ length: 6 }, () =>
      post(app, sent).then((r) => r),
    );
    await sleep(150);
    release();
    const answers = await Promise.all(copies);

    expect(onSingle).toHaveBeenCalledTimes(1);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error.code).toBe('delivery.in_progress');
    expect(refused.headers['retry-after']).toBe('60');
  });

  it('forgets a processed delivery after the retention window', async () => {
    const onSingle = jest.fn();
    const app = guardedApp(store, {
      onSingle,
      idempotency: { store, retention: 150 },
    });
    const sent = freshDelivery();

    await post(app, sent);
    const within = await post(app, sent);
    await sleep(250);
    const after = await post(app, sent);

    expect(within.body).toEqual({ received: true, duplicate: true });
    expect(after.body).toEqual({ received: true });
    expect(onSingle).toHaveBeenCalledTimes(2);
  });

  it('lets a re-sent copy through once the lease of a copy that died mid-way expires', async () => {
    const onSingle = jest.fn();
    const app = guardedApp(store, {
      onSingle,
      idempotency: { store, lease: 200 },
    });
    const sent = freshDelivery();
    // A first instance claims the delivery, then dies before settling it.
    const stuck = sendRaw(
      request(
        guardedApp(store, {
          idempotency: { store, lease: 200 },
          onSingle: () => new Promise(() => undefined),
        }),
      ).post(WEBHOOK_PATH),
      sent,
    )
      .timeout(400)
      .catch(() => 'gone');

    await sleep(80);
    const during = await post(app, sent);
    await stuck;
    const after = await post(app, sent);

    expect(during.status).toBe(409);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ received: true });
    expect(onSingle).toHaveBeenCalledTimes(1);
  });

  it("counts a delivery as done only when the app's own handler answered 2xx", async () => {
    let answer = 500;
    const handled = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, idempotency: { store } },
      (app, middleware) => {
        app.post(WEBHOOK_PATH, middleware, (req, res) => {
          if (!req.rocketreach?.duplicate) handled();
          res.status(answer).end();
        });
      },
    );
    const sent = freshDelivery();

    const failed = await post(app, sent);
    answer = 204;
    const succeeded = await post(app, sent);
    await sleep(20);
    const duplicate = await post(app, sent);

    expect([failed.status, succeeded.status, duplicate.status]).toEqual([
      500, 204, 204,
    ]);
    expect(handled).toHaveBeenCalledTimes(2);
  });
});

describe.each(redisSetups)('two instances sharing Redis ($name)', (setup) => {
  it('runs the hooks once when both receive the same delivery at the same moment', async () => {
    const a = await setup.open();
    const b = await setup.open();
    try {
      const calls: string[] = [];
      const slow = (name: string) => async () => {
        calls.push(name);
        await sleep(100);
      };
      const first = guardedApp(a.store, { onSingle: slow('a') });
      const second = guardedApp(b.store, { onSingle: slow('b') });
      const sent = freshDelivery();

      const answers = await Promise.all([
        post(first, sent),
        post(second, sent),
      ]);
      await sleep(20);
      const retries = await Promise.all([
        post(first, sent),
        post(second, sent),
      ]);

      expect(calls).toHaveLength(1);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(retries.map((r) => r.body)).toEqual([
        { received: true, duplicate: true },
        { received: true, duplicate: true },
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('when Redis cannot be reached', () => {
  it('answers 503 idempotency.unavailable and runs no hook (ioredis, commands queued)', async () => {
    const client = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      retryStrategy: () => 50,
    });
    const onSingle = jest.fn();
    const onRejected = jest.fn();
    const app = guardedApp(redisStore(client, { timeout: 200 }), {
      onSingle,
      onRejected,
    });
    try {
      const res = await post(app, freshDelivery());

      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('idempotency.unavailable');
      expect(onSingle).not.toHaveBeenCalled();
      expect(onRejected).toHaveBeenCalledWith(
        expect.objectContaining({
          code: 'idempotency.unavailable',
          status: 503,
        }),
      );
    } finally {
      client.disconnect();
    }
  });

  it('answers 503 idempotency.unavailable with a redis client that is not connected', async () => {
    const client = createClient({ url: 'redis://127.0.0.1:1' });
    const onSingle = jest.fn();
    const app = guardedApp(redisStore(client), { onSingle });

    const res = await post(app, freshDelivery());

    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('idempotency.unavailable');
    expect(onSingle).not.toHaveBeenCalled();
  });
});

describe('memoryStore bounds', () => {
  it('keeps at most maxEntries deliveries, forgetting the oldest first', async () => {
    const store = memoryStore({ maxEntries: 3 });
    const onSingle = jest.fn();
    const app = guardedApp(store, { onSingle });
    const sent = [1, 2, 3, 4].map((id) => freshDelivery(id));

    for (const d of sent) await post(app, d);
    const newest = await post(app, sent[3]!);
    const oldest = await post(app, sent[0]!);

    expect(store.size).toBeLessThanOrEqual(3);
    expect(newest.body).toEqual({ received: true, duplicate: true });
    expect(oldest.body).toEqual({ received: true });
    expect(onSingle).toHaveBeenCalledTimes(5);
  });
});

describe('the idempotency option', () => {
  it('refuses a store without claim, complete and release', () => {
    expect(() =>
      rocketreachWebhook({
        secret: SECRET,
        idempotency: { store: {} as IdempotencyStore },
      }),
    ).toThrow(
      'The idempotency option needs a store: { store: memoryStore() } for one process',
    );
  });

  it('refuses a lease no longer than hookTimeout', () => {
    expect(() =>
      rocketreachWebhook({
        secret: SECRET,
        hookTimeout: 90_000,
        idempotency: { store: memoryStore() },
      }),
    ).toThrow(
      'The idempotency lease (60000 ms, the default) must be longer than hookTimeout (90000 ms)',
    );
  });

  it('refuses a Redis client of another kind', () => {
    expect(() => redisStore({} as never)).toThrow(
      'redisStore needs a client of the redis package (createClient()) or of ioredis',
    );
  });

  it('uses the same store from an Express app behind a router', async () => {
    const store = memoryStore();
    const onBulk = jest.fn();
    const app = express();
    const router = express.Router();
    router.post(
      '/',
      rocketreachWebhook({ secret: SECRET, onBulk, idempotency: { store } }),
    );
    app.use(WEBHOOK_PATH, router);
    app.use(errorResponder([]));
    const sent = delivery([profile(1), profile(2)], {
      requestId: randomUUID(),
    });

    await post(app, sent);
    const again = await post(app, sent);

    expect(again.body).toEqual({ received: true, duplicate: true });
    expect(onBulk).toHaveBeenCalledTimes(1);
  });
});
