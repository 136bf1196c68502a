import express from 'express';
import request from 'supertest';

import type { RocketReachDelivery } from '../src/index';
import { errorResponder, expressHarness, WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw } from './support/deliveries';
import { profile, SECRET } from './support/fixtures';
import { rocketreachWebhook } from '../src/index';

function post(app: express.Express, payload: unknown, raw?: string) {
  return sendRaw(request(app).post(WEBHOOK_PATH), delivery(payload, { raw }));
}

describe('failing hooks', () => {
  it('responds 500 hook.failed when onSingle throws, keeping its error as cause', async () => {
    const failure = new Error('CRM is down for person1@example.com');
    const { app, errors } = expressHarness({
      secret: SECRET,
      onSingle() {
        throw failure;
      },
    });

    const res = await post(app, profile(1));

    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'hook.failed' });
    expect((errors[0] as Error).cause).toBe(failure);
    expect(res.text).not.toContain('CRM is down');
  });

  it('responds 500 hook.failed when onBulk rejects', async () => {
    const { app } = expressHarness({
      secret: SECRET,
      onBulk: () => Promise.reject(new Error('queue full')),
    });

    const res = await post(app, [profile(1), profile(2)]);

    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('hook.failed');
  });

  it('responds 500 hook.failed when a hook returns a thenable that rejects', async () => {
    const failure = new Error('rejected by a custom thenable');
    const { app, errors } = expressHarness({
      secret: SECRET,
      onSingle: () =>
        ({
          then(_resolve: () => void, reject: (error: unknown) => void) {
            reject(failure);
          },
        }) as unknown as Promise<void>,
    });

    const res = await post(app, profile(1));

    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('hook.failed');
    expect((errors[0] as Error).cause).toBe(failure);
  });

  it('sends no stack trace through the default Express error handler', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    // Express logs the error's stack to the console outside tests.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const app = express();
      app.post(
        WEBHOOK_PATH,
        rocketreachWebhook({
          secret: SECRET,
          logger: false,
          onSingle() {
            throw new Error('internal detail');
          },
        }),
      );

      const res = await post(app, profile(1));

      expect(res.status).toBe(500);
      expect(res.text).toContain('hook.failed');
      expect(res.text).not.toMatch(/\bat \S+ \(/);
      expect(res.text).not.toContain('internal detail');
      // The handler logs on a later turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged).toHaveBeenCalledWith(
        expect.objectContaining({ code: 'hook.failed' }),
      );
    } finally {
      logged.mockRestore();
      process.env.NODE_ENV = previous;
    }
  });

  it('does not answer twice when a hook already answered', async () => {
    const { app } = expressHarness({
      secret: SECRET,
      onSingle(_profile, _delivery, req) {
        const res = (req as express.Request).res!;
        res.status(202).send('queued');
      },
    });

    const res = await post(app, profile(1));

    expect(res.status).toBe(202);
    expect(res.text).toBe('queued');
  });
});

describe('deliveries that are not profiles', () => {
  it('hands a signed non-profile body to onUnknown with its issues', async () => {
    const unknown = jest.fn();
    const single = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      onSingle: single,
      onUnknown: unknown,
    });

    const res = await post(app, { test: true, message: 'Test webhook' });

    expect(res.status).toBe(200);
    expect(single).not.toHaveBeenCalled();
    const [payload, seen] = unknown.mock.calls[0] as [
      unknown,
      RocketReachDelivery,
    ];
    expect(payload).toEqual({ test: true, message: 'Test webhook' });
    expect(seen.kind).toBe('unknown');
    expect(seen.kind === 'unknown' && seen.issues.map((i) => i.path)).toEqual([
      ['id'],
    ]);
  });

  it('treats a profile whose field changed shape as unknown, with all its data', async () => {
    const unknown = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      onSingle: jest.fn(),
      onUnknown: unknown,
    });
    const changed = profile(9, { emails: 'person9@example.com' });

    const res = await post(app, changed);

    expect(res.status).toBe(200);
    expect(unknown.mock.calls[0]?.[0]).toEqual(changed);
  });

  it('treats a bulk list with one odd profile as unknown rather than dropping it', async () => {
    const unknown = jest.fn();
    const bulk = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      onBulk: bulk,
      onUnknown: unknown,
    });
    const list = [profile(1), profile(2, { phones: [{ type: 'mobile' }] })];

    const res = await post(app, list);

    expect(res.status).toBe(200);
    expect(bulk).not.toHaveBeenCalled();
    const seen = unknown.mock.calls[0]?.[1] as RocketReachDelivery;
    expect(seen.kind === 'unknown' && seen.issues[0]?.path).toEqual([
      1,
      'phones',
      0,
      'number',
    ]);
  });

  it('acknowledges and warns, without data, when no onUnknown hook is set', async () => {
    const single = jest.fn();
    const { app, warnings } = expressHarness({
      secret: SECRET,
      onSingle: single,
    });

    const res = await post(app, { email: 'person1@example.com' });

    expect(res.status).toBe(200);
    expect(single).not.toHaveBeenCalled();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Set onUnknown');
    expect(warnings[0]).not.toContain('person1@example.com');
  });

  it('shows the unknown delivery to a route handler as req.rocketreach', async () => {
    const { app } = expressHarness({ secret: SECRET }, (app, middleware) => {
      app.post(WEBHOOK_PATH, middleware, (req, res) => {
        const d = req.rocketreach!;
        res.json({
          kind: d.kind,
          payload: d.kind === 'unknown' ? d.payload : null,
        });
      });
    });

    const res = await post(app, [1, 2, 3]);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'unknown', payload: [1, 2, 3] });
  });
});

describe('who answers the sender', () => {
  it('answers by itself when mounted with hooks and nothing after it', async () => {
    const { app } = expressHarness({ secret: SECRET, onSingle: jest.fn() });

    const res = await post(app, profile(1));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
  });

  it('answers only once an async hook has finished', async () => {
    const steps: string[] = [];
    const { app } = expressHarness({
      secret: SECRET,
      async onSingle() {
        await new Promise((resolve) => setTimeout(resolve, 30));
        steps.push('hook finished');
      },
    });

    const res = await post(app, profile(1));
    steps.push('answered');

    expect(res.status).toBe(200);
    expect(steps).toEqual(['hook finished', 'answered']);
  });

  it('leaves the answer to a route handler that follows it in the same route', async () => {
    const single = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, onSingle: single },
      (app, middleware) => {
        app.post(WEBHOOK_PATH, middleware, (req, res) => {
          res.status(202).json({
            kind: req.rocketreach?.kind,
            id: req.rocketreach?.profiles[0]?.id,
          });
        });
      },
    );

    const res = await post(app, profile(3));

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ kind: 'single', id: 3 });
    expect(single).toHaveBeenCalledTimes(1);
  });

  it('calls next() when mounted without hooks', async () => {
    const { app } = expressHarness({ secret: SECRET }, (app, middleware) => {
      app.use(WEBHOOK_PATH, middleware);
      app.post(WEBHOOK_PATH, (req, res) => {
        res.json({ ids: req.rocketreach?.profiles.map((p) => p.id) });
      });
    });

    const res = await post(app, [profile(1), profile(2)]);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ids: [1, 2] });
  });

  it('calls next() with hooks when respond is false', async () => {
    const single = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, onSingle: single, respond: false },
      (app, middleware) => {
        app.use(WEBHOOK_PATH, middleware);
        app.post(WEBHOOK_PATH, (_req, res) => {
          res.status(204).end();
        });
      },
    );

    const res = await post(app, profile(1));

    expect(res.status).toBe(204);
    expect(single).toHaveBeenCalledTimes(1);
  });

  it('answers by itself without hooks when respond is true', async () => {
    const { app } = expressHarness({ secret: SECRET, respond: true });

    const res = await post(app, profile(1));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
  });

  it('works inside an express.Router mounted with router.use', async () => {
    const single = jest.fn();
    const app = express();
    const router = express.Router();
    router.use(rocketreachWebhook({ secret: SECRET, onSingle: single }));
    app.use(WEBHOOK_PATH, router);
    const errors: unknown[] = [];
    app.use(errorResponder(errors));

    const ok = await post(app, profile(4));
    const forged = await sendRaw(request(app).post(WEBHOOK_PATH), {
      ...delivery(profile(4)),
      body: Buffer.from('{"id":5}'),
    });

    expect(ok.status).toBe(200);
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('signature.mismatch');
    expect(single).toHaveBeenCalledTimes(1);
  });
});
