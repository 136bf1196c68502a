import request from 'supertest';

import type { RocketReachDelivery } from '../src/index';
import { expressHarness, WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw } from './support/deliveries';
import {
  OTHER_SECRET,
  PERSONAL_EMAIL,
  profile,
  REQUEST_ID,
  SECRET,
} from './support/fixtures';
import { referenceSignature } from './support/reference';

function post(
  app: Parameters<typeof request>[0],
  { body, headers }: { body: Buffer; headers: Record<string, string> },
) {
  return sendRaw(request(app).post(WEBHOOK_PATH), { body, headers });
}

function recordingHooks() {
  const single = jest.fn();
  const bulk = jest.fn();
  const unknown = jest.fn();
  return {
    single,
    bulk,
    unknown,
    hooks: { onSingle: single, onBulk: bulk, onUnknown: unknown },
  };
}

describe('verified deliveries', () => {
  it('responds 200 and hands a single profile to onSingle with its request ID', async () => {
    const { single, bulk, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });

    const res = await post(app, delivery(profile(1)));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    expect(single).toHaveBeenCalledTimes(1);
    expect(bulk).not.toHaveBeenCalled();
    const [received, seen] = single.mock.calls[0] as [
      unknown,
      RocketReachDelivery,
    ];
    expect(received).toEqual(profile(1));
    expect(seen.kind).toBe('single');
    expect(seen.requestId).toBe(REQUEST_ID);
    expect(seen.profiles).toEqual([profile(1)]);
    expect(Buffer.from(seen.rawBody).toString()).toBe(
      JSON.stringify(profile(1)),
    );
  });

  it('keeps the headers the app set before it answers', async () => {
    const { hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks }, (a, m) => {
      a.use((_req, res, next) => {
        res.setHeader('X-Request-Source', 'edge');
        next();
      });
      a.post(WEBHOOK_PATH, m);
    });

    const res = await post(app, delivery(profile(1)));

    expect(res.status).toBe(200);
    expect(res.headers['x-request-source']).toBe('edge');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-length']).toBe('17');
    expect(res.text).toBe('{"received":true}');
  });

  it('responds 200 and hands a list to onBulk, never to onSingle', async () => {
    const { single, bulk, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });
    const profiles = Array.from({ length: 100 }, (_, i) => profile(i + 1));

    const res = await post(app, delivery(profiles));

    expect(res.status).toBe(200);
    expect(single).not.toHaveBeenCalled();
    expect(bulk).toHaveBeenCalledTimes(1);
    const [received, seen] = bulk.mock.calls[0] as [
      unknown[],
      RocketReachDelivery,
    ];
    expect(received).toHaveLength(100);
    expect(received[99]).toEqual(profile(100));
    expect(seen.kind).toBe('bulk');
  });

  it('leaves requestId undefined when RR-Request-ID is absent', async () => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });

    const res = await post(app, delivery(profile(2), { requestId: null }));

    expect(res.status).toBe(200);
    expect(
      (single.mock.calls[0] as [unknown, RocketReachDelivery])[1].requestId,
    ).toBeUndefined();
  });

  it.each([
    ['pretty-printed JSON', JSON.stringify(profile(3), null, 2)],
    [
      'keys in another order',
      '{"name":"Test Person 3","status":"complete","id":3}',
    ],
    [
      'spaces and a trailing newline',
      ' { "id" : 3 , "status" : "complete" }\n',
    ],
    [
      'non-ASCII names',
      JSON.stringify(profile(3, { name: 'Zoë Ångström-Nakamura 山田 🚀' })),
    ],
    ['escaped unicode', '{"id":3,"name":"Zo\\u00eb \\u5c71\\u7530"}'],
  ])('verifies the bytes as sent: %s', async (_label, raw) => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });

    const res = await post(app, delivery(undefined, { raw }));

    expect(res.status).toBe(200);
    expect(single).toHaveBeenCalledWith(
      JSON.parse(raw),
      expect.anything(),
      expect.anything(),
    );
  });

  it('accepts deliveries signed with either secret of a rotation', async () => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({
      secret: [OTHER_SECRET, SECRET],
      ...hooks,
    });

    const first = await post(app, delivery(profile(4), { secret: SECRET }));
    const second = await post(
      app,
      delivery(profile(5), { secret: OTHER_SECRET }),
    );

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(single.mock.calls.map(([p]) => (p as { id: number }).id)).toEqual([
      4, 5,
    ]);
  });

  it('passes unknown fields and nulls through to the hook', async () => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });
    const odd = profile(6, {
      emails: null,
      city: null,
      brand_new_field: { nested: [1, 2] },
      links: ['https://example.com/a'],
      birth_year: '1980',
    });

    const res = await post(app, delivery(odd));

    expect(res.status).toBe(200);
    expect(single.mock.calls[0]?.[0]).toEqual(odd);
  });

  it('handles concurrent deliveries independently', async () => {
    const seen: number[] = [];
    const { app } = expressHarness({
      secret: SECRET,
      async onSingle(received, d) {
        await new Promise((resolve) =>
          setTimeout(resolve, 5 * (received.id % 4)),
        );
        seen.push(received.id);
        expect(d.profile.id).toBe(received.id);
      },
    });

    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        post(app, delivery(profile(100 + i))),
      ),
    );

    expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(seen.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => 100 + i),
    );
  });
});

describe('signature checks', () => {
  it('responds 401 signature.missing without the header, before any hook', async () => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });
    const { body } = delivery(profile(1));

    const res = await request(app)
      .post(WEBHOOK_PATH)
      .set('content-type', 'application/json')
      .send(body);

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature.missing');
    expect(single).not.toHaveBeenCalled();
  });

  it.each([
    ['empty', ''],
    ['not base64', 'not a signature at all'],
    ['hex instead of base64', 'a'.repeat(64)],
    [
      'base64url alphabet',
      `-_${referenceSignature(SECRET, '{"id":1}').slice(2)}`,
    ],
    ['missing padding', referenceSignature(SECRET, '{"id":1}').slice(0, 43)],
    [
      'prefixed like other providers',
      `sha256=${referenceSignature(SECRET, '{"id":1}')}`,
    ],
    [
      'two signatures in one header',
      `${referenceSignature(SECRET, '{"id":1}')}, ${referenceSignature(SECRET, '{"id":1}')}`,
    ],
    ['truncated digest', Buffer.alloc(16).toString('base64')],
  ])(
    'responds 401 signature.malformed for a header that is %s',
    async (_label, signature) => {
      const { single, hooks } = recordingHooks();
      const { app } = expressHarness({ secret: SECRET, ...hooks });
      const signed = delivery({ id: 1 }, { raw: '{"id":1}' });

      const res = await post(app, {
        body: signed.body,
        headers: { ...signed.headers, 'x-rocketreach-signature': signature },
      });

      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('signature.malformed');
      expect(single).not.toHaveBeenCalled();
    },
  );

  it('responds 401 signature.mismatch when the signature was made with another secret', async () => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });

    const res = await post(app, delivery(profile(1), { secret: OTHER_SECRET }));

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature.mismatch');
    expect(single).not.toHaveBeenCalled();
  });

  it('responds 401 signature.mismatch when one byte of the body changed', async () => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });
    const signed = delivery(profile(1));
    const tampered = Buffer.from(
      signed.body.toString().replace('"id":1', '"id":2'),
    );

    const res = await post(app, { body: tampered, headers: signed.headers });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature.mismatch');
    expect(single).not.toHaveBeenCalled();
  });

  it('does not verify against the body re-serialised from a parsed object', async () => {
    const { app } = expressHarness({ secret: SECRET, onSingle: jest.fn() });
    const pretty = JSON.stringify(profile(1), null, 2);
    const signedForCompact = delivery(profile(1));

    const res = await post(app, {
      body: Buffer.from(pretty),
      headers: signedForCompact.headers,
    });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature.mismatch');
  });

  it('responds 400 body.invalid_json for a signed body that is not JSON', async () => {
    const { single, hooks } = recordingHooks();
    const { app } = expressHarness({ secret: SECRET, ...hooks });

    const res = await post(app, delivery(undefined, { raw: '{"id": 1,' }));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('body.invalid_json');
    expect(single).not.toHaveBeenCalled();
  });

  it('responds 400 body.invalid_json for a signed body that is not UTF-8', async () => {
    const { app } = expressHarness({ secret: SECRET, onSingle: jest.fn() });
    const raw = Buffer.concat([
      Buffer.from('{"id":1,"name":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);

    const res = await post(app, delivery(undefined, { raw }));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('body.invalid_json');
  });
});

describe('what a refusal reveals', () => {
  it('puts no secret, signature or profile data in the error or the response', async () => {
    const { app, errors } = expressHarness({
      secret: SECRET,
      onSingle: jest.fn(),
    });
    const forged = delivery(profile(1), { secret: OTHER_SECRET });
    const garbled = delivery(undefined, {
      raw: `{"email":"${PERSONAL_EMAIL}"`,
    });

    const responses = [await post(app, forged), await post(app, garbled)];

    expect(responses.map((r) => r.status)).toEqual([401, 400]);
    const secrets = [
      SECRET,
      OTHER_SECRET,
      PERSONAL_EMAIL,
      forged.headers['x-rocketreach-signature']!,
    ];
    for (const error of errors) {
      const e = error as Error & Record<string, unknown>;
      const visible = [
        e.message,
        e.stack,
        JSON.stringify(e),
        ...responses.map((r) => r.text),
      ].join('\n');
      for (const secret of secrets) expect(visible).not.toContain(secret);
    }
    expect(errors).toHaveLength(2);
  });
});

describe('methods other than POST', () => {
  it('passes GET through to the next route untouched', async () => {
    const single = jest.fn();
    const { app } = expressHarness(
      { secret: SECRET, onSingle: single },
      (app, middleware) => {
        app.use(WEBHOOK_PATH, middleware);
        app.get(WEBHOOK_PATH, (_req, res) => {
          res.send('status page');
        });
      },
    );

    const res = await request(app).get(WEBHOOK_PATH);

    expect(res.status).toBe(200);
    expect(res.text).toBe('status page');
    expect(single).not.toHaveBeenCalled();
  });

  it('answers 404 for a PUT on a route that only takes POST', async () => {
    const { app, errors } = expressHarness({
      secret: SECRET,
      onSingle: jest.fn(),
    });

    const res = await request(app).put(WEBHOOK_PATH).send('{}');

    expect(res.status).toBe(404);
    expect(errors).toHaveLength(0);
  });
});
