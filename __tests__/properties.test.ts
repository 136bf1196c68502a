import fc from 'fast-check';
import request from 'supertest';

import { decodeSignatureHeader } from '../src/core/signature';
import { sign, verifySignature } from '../src/index';
import { expressHarness, WEBHOOK_PATH } from './support/apps';
import { sendRaw } from './support/deliveries';
import { OTHER_SECRET, SECRET } from './support/fixtures';

const bytes = fc.uint8Array({ maxLength: 2048 });
const anyString = fc.string({ maxLength: 80 });
/** Strings shaped like a real signature: base64 of 32 random bytes. */
const digestLike = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((d) => Buffer.from(d).toString('base64'));
const headerValue = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/);

describe('verifySignature never accepts what the secret did not sign', () => {
  it('for random bodies and random signatures', () => {
    fc.assert(
      fc.property(bytes, fc.oneof(anyString, digestLike), (body, signature) => {
        expect(verifySignature(SECRET, body, signature)).toBe(
          signature === sign(SECRET, body),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('for signatures made with any other secret', () => {
    fc.assert(
      fc.property(
        bytes,
        fc.string({ minLength: 1, maxLength: 40 }),
        (body, other) => {
          fc.pre(other !== SECRET);
          expect(verifySignature(SECRET, body, sign(other, body))).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('for every single-byte change to a signed body', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (body, at, flip) => {
          const signature = sign(SECRET, body);
          const changed = Uint8Array.from(body);
          const index = at % body.length;
          changed[index] = changed[index]! ^ flip;
          expect(verifySignature(SECRET, changed, signature)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the signature header', () => {
  it('decodes to the digest that was encoded, for any digest', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (digest) => {
        const header = Buffer.from(digest).toString('base64');
        expect(decodeSignatureHeader(header)).toEqual(digest);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the middleware under random input', () => {
  const hooks = {
    onSingle: jest.fn(),
    onBulk: jest.fn(),
    onUnknown: jest.fn(),
  };
  const { app, errors } = expressHarness({
    secret: [SECRET, OTHER_SECRET],
    limit: 4096,
    ...hooks,
  });
  beforeEach(() => {
    for (const hook of Object.values(hooks)) hook.mockClear();
  });

  it('answers every unsigned request with a 4xx and never runs a hook', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 6000 }),
        fc.option(fc.oneof(digestLike, headerValue), { nil: undefined }),
        fc.dictionary(fc.stringMatching(/^x-[a-z]{1,12}$/), headerValue, {
          maxKeys: 4,
        }),
        fc.option(headerValue, { nil: undefined }),
        async (body, signature, extra, requestId) => {
          const headers: Record<string, string> = {
            ...extra,
            'content-type': 'application/json',
          };
          if (signature !== undefined)
            headers['x-rocketreach-signature'] = signature;
          if (requestId !== undefined) headers['rr-request-id'] = requestId;

          const res = await sendRaw(request(app).post(WEBHOOK_PATH), {
            body: Buffer.from(body),
            headers,
          });

          expect([401, 413]).toContain(res.status);
          expect(typeof res.body.error.code).toBe('string');
          for (const hook of Object.values(hooks))
            expect(hook).not.toHaveBeenCalled();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers every signed request: 200 for JSON, 400 otherwise, never 401', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json().map((text) => Buffer.from(text)),
          fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
        ),
        fc.constantFrom(SECRET, OTHER_SECRET),
        async (body, secret) => {
          const headers = { 'x-rocketreach-signature': sign(secret, body) };

          const res = await sendRaw(request(app).post(WEBHOOK_PATH), {
            body,
            headers,
          });

          let json = true;
          try {
            JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
          } catch {
            json = false;
          }
          expect(res.status).toBe(json ? 200 : 400);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('handed every refusal to next(err) as a RocketReachWebhookError', () => {
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors)
      expect(error).toMatchObject({ name: 'RocketReachWebhookError' });
  });
});
