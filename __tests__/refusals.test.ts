// `refusals: 'answer'`: the middleware answers the 4xx refusals itself, and
// the app's error handler sees only failures on the app's side.
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';

import { memoryStore, rocketreachWebhook } from '../src/index';
import { expressHarness, WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw, type Delivery } from './support/deliveries';
import {
  OTHER_SECRET,
  PERSONAL_EMAIL,
  profile,
  REQUEST_ID,
  SECRET,
} from './support/fixtures';
import { sleep } from './support/time';

function post(app: Parameters<typeof request>[0], sent: Delivery) {
  return sendRaw(request(app).post(WEBHOOK_PATH), sent);
}

describe("refusals: 'answer'", () => {
  it('answers 401 signature.mismatch itself, without calling the error handler', async () => {
    const onSingle = jest.fn();
    const onRejected = jest.fn();
    const { app, errors } = expressHarness({
      secret: SECRET,
      refusals: 'answer',
      onSingle,
      onRejected,
    });

    const res = await post(app, delivery(profile(1), { secret: OTHER_SECRET }));

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      error: {
        code: 'signature.mismatch',
        message:
          'The X-RocketReach-Signature header does not match the body under the configured secret.',
      },
    });
    expect(errors).toHaveLength(0);
    expect(onSingle).not.toHaveBeenCalled();
    expect(onRejected).toHaveBeenCalledWith({
      code: 'signature.mismatch',
      status: 401,
      requestId: REQUEST_ID,
    });
  });

  it('answers 413 body.too_large from the Content-Length with Connection: close', async () => {
    const { app, errors } = expressHarness({
      secret: SECRET,
      refusals: 'answer',
      limit: 1024,
      onSingle: jest.fn(),
    });
    const sent = delivery(profile(1, { note: 'x'.repeat(3000) }));

    const res = await post(app, sent);

    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body.too_large');
    expect(res.headers.connection).toBe('close');
    expect(errors).toHaveLength(0);
  });

  it('answers 409 delivery.in_progress with its Retry-After header', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const onSingle = jest.fn(() => gate);
    const { app, errors } = expressHarness({
      secret: SECRET,
      refusals: 'answer',
      idempotency: { store: memoryStore() },
      onSingle,
    });
    const sent = delivery(profile(7));

    const first = post(app, sent).then((r) => r);
    await sleep(100);
    const copy = await post(app, sent);
    release();
    const answered = await first;

    expect([answered.status, copy.status]).toEqual([200, 409]);
    expect(copy.body.error.code).toBe('delivery.in_progress');
    expect(copy.headers['retry-after']).toBe('60');
    expect(errors).toHaveLength(0);
    expect(onSingle).toHaveBeenCalledTimes(1);
  });

  it('still hands a failing hook to the error handler as hook.failed', async () => {
    const { app, errors } = expressHarness({
      secret: SECRET,
      refusals: 'answer',
      onSingle: () => {
        throw new Error('CRM unavailable');
      },
    });

    const res = await post(app, delivery(profile(1)));

    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('hook.failed');
    expect(errors).toEqual([expect.objectContaining({ code: 'hook.failed' })]);
  });

  it('puts no signature or profile data in the answer', async () => {
    const { app } = expressHarness({
      secret: SECRET,
      refusals: 'answer',
      onSingle: jest.fn(),
    });
    // profile(1) holds PERSONAL_EMAIL
    const forged = delivery(profile(1), { secret: OTHER_SECRET });
    const garbled = delivery(undefined, {
      raw: `{"email":"${PERSONAL_EMAIL}"`,
    });

    const responses = [await post(app, forged), await post(app, garbled)];

    expect(responses.map((r) => [r.status, r.body.error.code])).toEqual([
      [401, 'signature.mismatch'],
      [400, 'body.invalid_json'],
    ]);
    const text = responses.map((r) => r.text).join('\n');
    for (const secret of [
      SECRET,
      OTHER_SECRET,
      PERSONAL_EMAIL,
      forged.headers['x-rocketreach-signature']!,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('hands each forged request its own error when the answer has already begun', async () => {
    const errors: unknown[] = [];
    const { app } = expressHarness(
      { secret: SECRET, refusals: 'answer', onSingle: jest.fn() },
      (app, middleware) => {
        app.post(
          WEBHOOK_PATH,
          (_req: Request, res: Response, next: NextFunction) => {
            res.writeHead(202, { 'Content-Type': 'text/plain' });
            next();
          },
          middleware,
        );
        app.use(
          (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
            // an error handler that marks what it has logged
            (err as { logged?: boolean }).logged = true;
            errors.push(err);
            res.end('answered early');
          },
        );
      },
    );
    const forged = delivery(profile(1), { secret: OTHER_SECRET });

    const answers = [await post(app, forged), await post(app, forged)];

    expect(answers.map((res) => [res.status, res.text])).toEqual([
      [202, 'answered early'],
      [202, 'answered early'],
    ]);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'signature.mismatch', logged: true }),
      expect.objectContaining({ code: 'signature.mismatch', logged: true }),
    ]);
    expect(errors[0]).not.toBe(errors[1]);
  });

  it("hands every refusal to next(err) by default, as with refusals: 'next'", async () => {
    for (const refusals of [undefined, 'next'] as const) {
      const { app, errors } = expressHarness({
        secret: SECRET,
        refusals,
        onSingle: jest.fn(),
      });

      const res = await post(
        app,
        delivery(profile(1), { secret: OTHER_SECRET }),
      );

      expect(res.status).toBe(401);
      expect(errors).toEqual([
        expect.objectContaining({ code: 'signature.mismatch' }),
      ]);
    }
  });

  it('throws a TypeError naming the choices for an unknown value', () => {
    const create = () =>
      rocketreachWebhook({
        secret: SECRET,
        // @ts-expect-error only 'next' and 'answer' are refusal modes
        refusals: 'respond',
      });

    expect(create).toThrow(TypeError);
    expect(create).toThrow(
      /^The refusals option must be 'next' or 'answer'; got "respond"\.$/,
    );
  });
});
