// One table of cases, run against both adapters: the Express middleware
// (handing refusals to the app's error handler, or answering them itself) and
// the Web handler must answer every delivery the same way.
import request from 'supertest';

import type { RocketReachWebhookOptions } from '../src/index';
import type { WebWebhookOptions } from '../src/web';
import { createWebhookHandler } from '../src/web';
import { expressHarness, WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw, type Delivery } from './support/deliveries';
import { OTHER_SECRET, profile, SECRET } from './support/fixtures';

interface Outcome {
  status: number;
  code: string | undefined;
}

/** Options both adapters accept: hooks that work with either request. */
type SharedOptions = RocketReachWebhookOptions & WebWebhookOptions;

interface Setup {
  name: string;
  send(options: SharedOptions, sent: Delivery): Promise<Outcome>;
}

const setups: Setup[] = [
  {
    name: 'Express middleware',
    async send(options, sent) {
      const { app } = expressHarness(options);
      const res = await sendRaw(request(app).post(WEBHOOK_PATH), sent);
      return { status: res.status, code: res.body?.error?.code };
    },
  },
  {
    name: "Express middleware with refusals: 'answer'",
    async send(options, sent) {
      const { app, errors } = expressHarness({
        ...options,
        refusals: 'answer',
      });
      const res = await sendRaw(request(app).post(WEBHOOK_PATH), sent);
      // Only a failure on the app's side reaches the error handler.
      expect(errors).toHaveLength(res.status >= 500 ? 1 : 0);
      return { status: res.status, code: res.body?.error?.code };
    },
  },
  {
    name: 'Web handler',
    async send(options, sent) {
      const handler = createWebhookHandler({ logger: false, ...options });
      const res = await handler(
        new Request(`http://localhost${WEBHOOK_PATH}`, {
          method: 'POST',
          headers: sent.headers,
          body: sent.body,
        }),
      );
      const body = (await res.json()) as { error?: { code?: string } };
      return { status: res.status, code: body.error?.code };
    },
  },
];

type Hook = 'onSingle' | 'onBulk' | 'onUnknown';

interface Case {
  name: string;
  sent: () => Delivery;
  options?: Partial<SharedOptions>;
  status: number;
  code?: string;
  /** The hook that must run once; every other hook must not run. */
  hook?: Hook;
}

function withHeaders(
  sent: Delivery,
  headers: Record<string, string>,
): Delivery {
  return { body: sent.body, headers: { ...sent.headers, ...headers } };
}

const cases: Case[] = [
  {
    name: 'a signed profile',
    sent: () => delivery(profile(1)),
    status: 200,
    hook: 'onSingle',
  },
  {
    name: 'a signed list',
    sent: () => delivery([profile(1), profile(2)]),
    status: 200,
    hook: 'onBulk',
  },
  {
    name: 'a signed non-profile',
    sent: () => delivery({ test: true }),
    status: 200,
    hook: 'onUnknown',
  },
  {
    name: 'non-ASCII text, pretty-printed',
    sent: () =>
      delivery(undefined, {
        raw: JSON.stringify(profile(3, { name: 'Zoë 山田 🚀' }), null, 2),
      }),
    status: 200,
    hook: 'onSingle',
  },
  {
    name: 'the second secret of a rotation',
    sent: () => delivery(profile(1), { secret: OTHER_SECRET }),
    options: { secret: [SECRET, OTHER_SECRET] },
    status: 200,
    hook: 'onSingle',
  },
  {
    name: 'no signature header',
    sent: () => {
      const { body, headers } = delivery(profile(1));
      const { 'x-rocketreach-signature': _dropped, ...rest } = headers;
      return { body, headers: rest };
    },
    status: 401,
    code: 'signature.missing',
  },
  {
    name: 'a hex signature',
    sent: () =>
      withHeaders(delivery(profile(1)), {
        'x-rocketreach-signature': 'ab'.repeat(32),
      }),
    status: 401,
    code: 'signature.malformed',
  },
  {
    name: "another webhook's secret",
    sent: () => delivery(profile(1), { secret: OTHER_SECRET }),
    status: 401,
    code: 'signature.mismatch',
  },
  {
    name: 'a body changed after signing',
    sent: () => {
      const signed = delivery(profile(1));
      return {
        body: Buffer.from(JSON.stringify(profile(2))),
        headers: signed.headers,
      };
    },
    status: 401,
    code: 'signature.mismatch',
  },
  {
    name: 'signed bytes that are not JSON',
    sent: () => delivery(undefined, { raw: '{"id":' }),
    status: 400,
    code: 'body.invalid_json',
  },
  {
    name: 'a body over the limit',
    sent: () =>
      delivery(undefined, {
        raw: JSON.stringify(profile(1, { note: 'x'.repeat(3000) })),
      }),
    options: { limit: 1024 },
    status: 413,
    code: 'body.too_large',
  },
  {
    name: 'a Content-Length over the limit',
    sent: () =>
      withHeaders(delivery(profile(1)), {
        'content-length': String(4 * 1024 * 1024),
      }),
    status: 413,
    code: 'body.too_large',
  },
  {
    name: 'a gzip Content-Encoding',
    sent: () =>
      withHeaders(delivery(profile(1)), { 'content-encoding': 'gzip' }),
    status: 415,
    code: 'body.encoding_unsupported',
  },
  {
    name: 'a hook that throws',
    sent: () => delivery(profile(1)),
    options: {
      onSingle: () => {
        throw new Error('downstream failure');
      },
    },
    status: 500,
    code: 'hook.failed',
  },
];

describe.each(setups)('$name', (setup) => {
  it.each(cases)('answers $status for $name', async (c) => {
    const hooks = {
      onSingle: jest.fn(),
      onBulk: jest.fn(),
      onUnknown: jest.fn(),
    };
    const options = {
      secret: SECRET,
      ...hooks,
      ...c.options,
    } as SharedOptions;

    const outcome = await setup.send(options, c.sent());

    expect(outcome).toEqual({ status: c.status, code: c.code });
    for (const name of Object.keys(hooks) as Hook[]) {
      expect(hooks[name]).toHaveBeenCalledTimes(name === c.hook ? 1 : 0);
    }
  });
});
