import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';

import connect from 'connect';
import request from 'supertest';

import { isRocketReachWebhookError, rocketreachWebhook } from '../src/index';
import { WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw } from './support/deliveries';
import { OTHER_SECRET, profile, SECRET } from './support/fixtures';

function connectApp(options: Parameters<typeof rocketreachWebhook>[0]) {
  const app = connect();
  app.use(WEBHOOK_PATH, rocketreachWebhook(options));
  app.use(
    (
      err: { status?: number; code?: string },
      _req: IncomingMessage,
      res: ServerResponse,
      _next: () => void,
    ) => {
      res.statusCode = err.status ?? 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: err.code }));
    },
  );
  return app;
}

describe('a plain Connect app', () => {
  it('responds 200 and runs onSingle for a verified delivery', async () => {
    const single = jest.fn();
    const app = connectApp({ secret: SECRET, onSingle: single, logger: false });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1)),
    );

    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ received: true });
    expect(single.mock.calls[0]?.[0]).toEqual(profile(1));
  });

  it('responds 401 signature.mismatch for a delivery signed with another secret', async () => {
    const single = jest.fn();
    const app = connectApp({ secret: SECRET, onSingle: single, logger: false });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1), { secret: OTHER_SECRET }),
    );

    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ code: 'signature.mismatch' });
    expect(single).not.toHaveBeenCalled();
  });

  it("answers 401 itself with refusals: 'answer', before the error handler", async () => {
    const single = jest.fn();
    const app = connectApp({
      secret: SECRET,
      refusals: 'answer',
      onSingle: single,
      logger: false,
    });

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1), { secret: OTHER_SECRET }),
    );

    expect(res.status).toBe(401);
    // The app's error handler would have answered { code } alone.
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: 'signature.mismatch',
        message: expect.stringContaining('does not match'),
      },
    });
    expect(single).not.toHaveBeenCalled();
  });

  it('passes req.rocketreach on to the next middleware when there are no hooks', async () => {
    const app = connect();
    app.use(WEBHOOK_PATH, rocketreachWebhook({ secret: SECRET }));
    app.use(
      WEBHOOK_PATH,
      (
        req: IncomingMessage & { rocketreach?: { kind: string } },
        res: ServerResponse,
      ) => {
        res.end(req.rocketreach?.kind);
      },
    );

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery([profile(1)]),
    );

    expect(res.status).toBe(200);
    expect(res.text).toBe('bulk');
  });
});

describe('a plain node:http server (the README example)', () => {
  it('answers deliveries, refusals and other methods', async () => {
    const saved: number[] = [];
    // As in the README:
    const receive = rocketreachWebhook({
      secret: SECRET,
      onSingle: (profile) => void saved.push(profile.id),
    });
    const server = createServer((req, res) => {
      if (req.url !== '/webhooks/rocketreach') {
        res.writeHead(404).end();
        return;
      }
      receive(req, res, (err?: unknown) => {
        // Reached only for a refusal, or for a method other than POST.
        const status = isRocketReachWebhookError(err) ? err.status : 405;
        const code = isRocketReachWebhookError(err)
          ? err.code
          : 'method.not_allowed';
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code } }));
      });
    });

    const ok = await sendRaw(
      request(server).post(WEBHOOK_PATH),
      delivery(profile(1)),
    );
    const forged = await sendRaw(
      request(server).post(WEBHOOK_PATH),
      delivery(profile(2), { secret: OTHER_SECRET }),
    );
    const get = await request(server).get(WEBHOOK_PATH);

    expect([ok.status, forged.status, get.status]).toEqual([200, 401, 405]);
    expect(JSON.parse(forged.text)).toEqual({
      error: { code: 'signature.mismatch' },
    });
    expect(saved).toEqual([1]);
  });
});
