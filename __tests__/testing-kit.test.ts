import { request as httpRequest } from 'node:http';

import express from 'express';
import request from 'supertest';

import {
  profileSchema,
  rocketreachWebhook,
  verifySignature,
} from '../src/index';
import {
  buildBulk,
  buildNonAsciiProfile,
  buildProfile,
  buildProfileWithUnknownFields,
  buildSparseProfile,
  signedDelivery,
} from '../src/testing/index';
import { SECRET } from './support/fixtures';
import { referenceSign } from './support/reference';
import { listenWithWebhook } from './support/server';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('signedDelivery', () => {
  it("signs exactly as the provider's sample does, for bodies of several sizes and encodings", () => {
    const payloads: unknown[] = [
      buildProfile(),
      buildBulk(100),
      buildNonAsciiProfile(),
      '{"id":1}',
      Buffer.from([0x00, 0xff, 0x10, 0x80]),
      new TextEncoder().encode('{"name":"山田"}'),
    ];
    const deliveries = payloads.map((payload) =>
      signedDelivery(payload, { secret: SECRET }),
    );

    const reference = referenceSign(
      deliveries.map(({ body }) => ({ secret: SECRET, body })),
    );

    expect(deliveries.map((d) => d.headers['x-rocketreach-signature'])).toEqual(
      reference.map((r) => r.signature),
    );
    expect(deliveries[1]!.body.length).toBeGreaterThan(200_000);
  });

  it('returns the bytes and plain headers, with a fresh request ID unless one is given', () => {
    const first = signedDelivery(buildProfile(), { secret: SECRET });
    const second = signedDelivery(buildProfile(), { secret: SECRET });
    const named = signedDelivery(buildProfile(), {
      secret: SECRET,
      requestId: 'req-42',
    });

    expect(Buffer.isBuffer(first.body)).toBe(true);
    expect(first.body.toString()).toBe(JSON.stringify(buildProfile()));
    expect(Object.keys(first.headers).sort()).toEqual([
      'content-type',
      'rr-request-id',
      'x-rocketreach-signature',
    ]);
    expect(first.headers['rr-request-id']).toMatch(UUID);
    expect(second.headers['rr-request-id']).not.toBe(
      first.headers['rr-request-id'],
    );
    expect(named.headers['rr-request-id']).toBe('req-42');
  });

  it('sends raw bytes as given', () => {
    const raw = '{ "id": 1 }\n';
    const delivery = signedDelivery(raw, { secret: SECRET });

    expect(delivery.body.toString()).toBe(raw);
    expect(
      verifySignature(SECRET, raw, delivery.headers['x-rocketreach-signature']),
    ).toBe(true);
  });

  it('throws a TypeError without a secret or a payload', () => {
    expect(() =>
      signedDelivery(buildProfile(), {} as { secret: string }),
    ).toThrow(
      'signedDelivery needs { secret }: the secret the receiver checks against.',
    );
    expect(() => signedDelivery(undefined, { secret: SECRET })).toThrow(
      TypeError,
    );
  });
});

describe('testing your own handler (the README example)', () => {
  // The app under test, as a user would write it.
  function crmApp(saved: number[]) {
    const app = express();
    app.post(
      '/webhooks/rocketreach',
      rocketreachWebhook({
        secret: SECRET,
        onSingle: (profile) => void saved.push(profile.id),
        onBulk: (profiles) => void saved.push(...profiles.map((p) => p.id)),
      }),
    );
    return app;
  }

  it('saves a single profile sent with supertest', async () => {
    const saved: number[] = [];
    const { body, headers } = signedDelivery(buildProfile({ id: 42 }), {
      secret: SECRET,
    });

    const res = await request(crmApp(saved))
      .post('/webhooks/rocketreach')
      .set(headers)
      .send(body);

    expect(res.status).toBe(200);
    expect(saved).toEqual([42]);
  });

  it('saves a bulk delivery sent with supertest', async () => {
    const saved: number[] = [];
    const { body, headers } = signedDelivery(buildBulk(3), { secret: SECRET });

    const res = await request(crmApp(saved))
      .post('/webhooks/rocketreach')
      .set(headers)
      .send(body);

    expect(res.status).toBe(200);
    expect(saved).toEqual([5550001, 5550002, 5550003]);
  });

  it('keeps raw compact JSON intact through supertest', async () => {
    const saved: number[] = [];
    const { body, headers } = signedDelivery('{"id":7,"name":"Zoë"}', {
      secret: SECRET,
    });

    const res = await request(crmApp(saved))
      .post('/webhooks/rocketreach')
      .set(headers)
      .send(body);

    expect(res.status).toBe(200);
    expect(saved).toEqual([7]);
  });

  it('needs .serialize((body) => body) for raw bytes that are not compact JSON', async () => {
    const saved: number[] = [];
    const { body, headers } = signedDelivery('{ "id": 8 }', { secret: SECRET });

    const reserialised = await request(crmApp(saved))
      .post('/webhooks/rocketreach')
      .set(headers)
      .send(body);
    const exact = await request(crmApp(saved))
      .post('/webhooks/rocketreach')
      .set(headers)
      .serialize((b: unknown) => b as string)
      .send(body);

    expect(reserialised.status).toBe(401);
    expect(exact.status).toBe(200);
    expect(saved).toEqual([8]);
  });
});

describe('signedDelivery over the network', () => {
  it('works with fetch and with node:http against a listening app', async () => {
    const single = jest.fn();
    const receiver = await listenWithWebhook({
      secret: SECRET,
      onSingle: single,
    });
    try {
      const viaFetch = signedDelivery(buildProfile({ id: 1 }), {
        secret: SECRET,
      });
      const fetched = await fetch(receiver.url, {
        method: 'POST',
        ...viaFetch,
      });

      const viaHttp = signedDelivery(buildProfile({ id: 2 }), {
        secret: SECRET,
      });
      const status = await new Promise<number | undefined>(
        (resolve, reject) => {
          const req = httpRequest(
            receiver.url,
            { method: 'POST', headers: viaHttp.headers },
            (res) => {
              res.resume();
              resolve(res.statusCode);
            },
          );
          req.on('error', reject);
          req.end(viaHttp.body);
        },
      );

      expect([fetched.status, status]).toEqual([200, 200]);
      expect(single.mock.calls.map(([p]) => p.id)).toEqual([1, 2]);
    } finally {
      await receiver.close();
    }
  });
});

describe('fixtures', () => {
  it('buildProfile fills every documented field and passes the schema', () => {
    const built = buildProfile();
    const documented = Object.keys(profileSchema.shape);

    expect(
      documented.filter(
        (key) => built[key] === undefined || built[key] === null,
      ),
    ).toEqual([]);
    expect(profileSchema.parse(built)).toEqual(built);
    expect(JSON.stringify(built).length).toBeGreaterThan(2000);
  });

  it('buildProfile applies overrides', () => {
    expect(buildProfile({ id: 9, status: 'progress' })).toMatchObject({
      id: 9,
      status: 'progress',
    });
  });

  it('buildBulk gives 1 to 100 distinct valid profiles, and refuses other counts', () => {
    const bulk = buildBulk(100);

    expect(new Set(bulk.map((p) => p.id)).size).toBe(100);
    expect(new Set(bulk.map((p) => p.name)).size).toBeGreaterThan(50);
    expect(bulk.every((p) => profileSchema.safeParse(p).success)).toBe(true);
    expect(() => buildBulk(0)).toThrow(RangeError);
    expect(() => buildBulk(101)).toThrow(
      'buildBulk takes a count from 1 to 100; got 101.',
    );
  });

  it('provides a sparse profile, a non-ASCII one and one with unknown fields, all valid', () => {
    const sparse = buildSparseProfile();
    const nonAscii = buildNonAsciiProfile();
    const future = buildProfileWithUnknownFields();

    expect(Object.values(sparse)).toContain(null);
    expect(profileSchema.parse(sparse)).toEqual(sparse);
    expect(nonAscii.name).toMatch(/[\u0080-\uffff]/);
    expect(profileSchema.parse(future)).toHaveProperty('seniority_score', 0.82);
    expect(profileSchema.parse(future).emails?.[0]).toHaveProperty(
      'deliverability_index',
      97,
    );
  });

  it('invents its people: example.com addresses and 555 numbers only', () => {
    const all = [
      ...buildBulk(100),
      buildNonAsciiProfile(),
      buildProfileWithUnknownFields(),
    ];
    const text = JSON.stringify(all);

    const emails = text.match(/[\w.+-]+@[\w.-]+/g) ?? [];
    expect(emails.length).toBeGreaterThan(100);
    expect(emails.filter((e) => !/@([\w-]+\.)*example\.com$/.test(e))).toEqual(
      [],
    );
    const numbers = all.flatMap((p) =>
      (p.phones ?? []).map((phone) => phone.number),
    );
    expect(numbers.filter((n) => !/-555-01\d\d$/.test(n))).toEqual([]);
  });
});
