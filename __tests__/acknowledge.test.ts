import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { memoryStore, type RocketReachDelivery } from '../src/index';
import { createWebhookHandler } from '../src/web';
import { expressHarness, recordingLogger, WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw } from './support/deliveries';
import { PERSONAL_EMAIL, profile, SECRET } from './support/fixtures';
import { sleep } from './support/time';

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("acknowledge: 'before-hooks'", () => {
  it('answers 200 before the hooks finish, then runs them', async () => {
    const { opened, open } = gate();
    const finished = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      acknowledge: 'before-hooks',
      async onSingle() {
        await opened;
        finished();
      },
    });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1)),
    );

    expect(res.status).toBe(200);
    expect(finished).not.toHaveBeenCalled();
    open();
    await sleep(10);
    expect(finished).toHaveBeenCalledTimes(1);
  });

  it('reports a hook failure to onError with the delivery', async () => {
    const onError = jest.fn();
    const failure = new Error('queue full');
    const { app } = expressHarness({
      secret: SECRET,
      acknowledge: 'before-hooks',
      onError,
      onSingle: () => Promise.reject(failure),
    });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(2)),
    );
    await sleep(10);

    expect(res.status).toBe(200);
    expect(onError).toHaveBeenCalledTimes(1);
    const [error, seen] = onError.mock.calls[0] as [Error, RocketReachDelivery];
    expect(error).toMatchObject({ code: 'hook.failed', cause: failure });
    expect(seen.profiles[0]?.id).toBe(2);
  });

  it('logs a hook failure without personal data when there is no onError', async () => {
    const logger = recordingLogger();
    const { app } = expressHarness({
      secret: SECRET,
      logger,
      acknowledge: 'before-hooks',
      onSingle: () =>
        Promise.reject(new Error(`bad address ${PERSONAL_EMAIL}`)),
    });

    await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1), { requestId: 'req-9' }),
    );
    await sleep(10);

    expect(logger.warnings).toEqual([
      'rocketreach-webhooks: hook.failed after a single delivery (request req-9) was ' +
        'answered. Set onError to handle it.',
    ]);
  });

  it('answers the Web handler before the hooks finish too', async () => {
    const { opened, open } = gate();
    const finished = jest.fn();
    const handler = createWebhookHandler({
      secret: SECRET,
      acknowledge: 'before-hooks',
      async onBulk() {
        await opened;
        finished();
      },
    });
    const sent = delivery([profile(1)]);

    const res = await handler(
      new Request('http://localhost/hook', {
        method: 'POST',
        headers: sent.headers,
        body: sent.body,
      }),
    );

    expect(res.status).toBe(200);
    expect(finished).not.toHaveBeenCalled();
    open();
    await sleep(10);
    expect(finished).toHaveBeenCalledTimes(1);
  });
});

describe('hookTimeout', () => {
  it('answers 503 hook.timeout before slow hooks finish, and reports their late failure', async () => {
    const onError = jest.fn();
    let hookFinished = false;
    const { app } = expressHarness({
      secret: SECRET,
      hookTimeout: 50,
      onError,
      async onSingle() {
        await sleep(300);
        hookFinished = true;
        throw new Error('gave up');
      },
    });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1)),
    );

    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('hook.timeout');
    expect(hookFinished).toBe(false);
    expect(onError).not.toHaveBeenCalled();
    await sleep(350);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'hook.failed' }),
      expect.objectContaining({ kind: 'single' }),
    );
  });

  it('keeps re-sent copies away until the timed-out hooks finish, then counts them done', async () => {
    const onSingle = jest.fn(() => sleep(200));
    const { app } = expressHarness({
      secret: SECRET,
      hookTimeout: 50,
      onSingle,
      idempotency: { store: memoryStore(), lease: 5000 },
    });
    const sent = delivery(profile(1), { requestId: randomUUID() });

    const timedOut = await sendRaw(request(app).post(WEBHOOK_PATH), sent);
    const during = await sendRaw(request(app).post(WEBHOOK_PATH), sent);
    await sleep(250);
    const after = await sendRaw(request(app).post(WEBHOOK_PATH), sent);

    expect([timedOut.status, during.status, after.status]).toEqual([
      503, 409, 200,
    ]);
    expect(after.body).toEqual({ received: true, duplicate: true });
    expect(onSingle).toHaveBeenCalledTimes(1);
  });
});

describe('onRejected', () => {
  it('receives the code, status and request ID of each refusal, and nothing else', async () => {
    const onRejected = jest.fn();
    const { app } = expressHarness({
      secret: SECRET,
      limit: 1024,
      onRejected,
      onSingle: jest.fn(),
    });

    await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1), { secret: 'other', requestId: 'r-1' }),
    );
    await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1, { note: 'x'.repeat(2000) }), { requestId: 'r-2' }),
    );
    await sendRaw(request(app).post(WEBHOOK_PATH), delivery(profile(1)));

    expect(onRejected.mock.calls).toEqual([
      [{ code: 'signature.mismatch', status: 401, requestId: 'r-1' }],
      [{ code: 'body.too_large', status: 413, requestId: 'r-2' }],
    ]);
  });

  it('does not change the answer when it throws', async () => {
    const { app } = expressHarness({
      secret: SECRET,
      onSingle: jest.fn(),
      onRejected: () => {
        throw new Error('metrics down');
      },
    });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1), { secret: 'other' }),
    );

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature.mismatch');
  });
});
