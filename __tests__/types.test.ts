// Type behaviour, pinned at compile time. The first test compiles this very
// file with the project's compiler options, so an `@ts-expect-error` that
// stops being an error, or a use that stops compiling, fails the suite.
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

import connect from 'connect';
import express from 'express';
import request from 'supertest';
import ts from 'typescript';

import {
  rocketreachWebhook,
  type RocketReachDelivery,
  type RocketReachErrorCode,
  type RocketReachProfile,
} from '../src/index';
import { WEBHOOK_PATH } from './support/apps';
import { delivery, sendRaw } from './support/deliveries';
import { profile, SECRET } from './support/fixtures';

function compile(file: string): string[] {
  const configPath = join(__dirname, '..', 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (path) =>
    ts.sys.readFile(path),
  );
  const { options } = ts.parseJsonConfigFileContent(
    config,
    ts.sys,
    join(__dirname, '..'),
  );
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

describe('types', () => {
  it('compiles, with every @ts-expect-error below still an error', () => {
    expect(compile(__filename)).toEqual([]);
  });

  it('narrows req.rocketreach by kind in a route handler', async () => {
    const app = express();
    app.post(
      WEBHOOK_PATH,
      rocketreachWebhook({ secret: SECRET }),
      (req, res) => {
        const d = req.rocketreach;
        // @ts-expect-error the property is optional: other routes never have it
        void d.kind;
        if (!d) throw new Error('the middleware always sets req.rocketreach');

        let answer: string;
        switch (d.kind) {
          case 'single':
            answer = `single ${d.profile.id}`;
            break;
          case 'bulk':
            // @ts-expect-error a bulk delivery has no single profile
            void d.profile;
            answer = `bulk ${d.profiles.length}`;
            break;
          case 'unknown':
            // @ts-expect-error an unknown delivery's payload is not typed
            void d.payload.id;
            answer = `unknown ${d.issues.length}`;
            break;
        }
        const requestId: string | undefined = d.requestId;
        const bytes: Uint8Array = d.rawBody;
        res.json({ answer, requestId, length: bytes.length });
      },
    );

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(5)),
    );

    expect(res.body).toEqual({
      answer: 'single 5',
      requestId: expect.any(String),
      length: expect.any(Number),
    });
  });

  it('types the hooks from the schema, unknown fields included', () => {
    const middleware = rocketreachWebhook({
      secret: SECRET,
      onSingle(p, d) {
        const id: number = p.id;
        const email: string | undefined = p.emails?.[0]?.email;
        // @ts-expect-error status may be null or absent
        const status: string = p.status;
        const extra: unknown = p.some_future_field;
        void [id, email, status, extra, d.profile === p];
      },
      async onBulk(list: RocketReachProfile[], d) {
        // @ts-expect-error a bulk delivery has no single profile
        void d.profile;
        await Promise.resolve(list.length);
      },
    });
    expect(typeof middleware).toBe('function');
  });

  it('refuses misspelt options and wrong hook signatures at compile time', () => {
    // @ts-expect-error the secret is required
    expect(() => rocketreachWebhook({})).toThrow(TypeError);
    const misspelt = () =>
      // @ts-expect-error a misspelt hook is not an option
      rocketreachWebhook({ secret: SECRET, onsingle: () => {} });
    expect(misspelt).toThrow(TypeError);
    // @ts-expect-error the limit is a number or a size string
    expect(() => rocketreachWebhook({ secret: SECRET, limit: true })).toThrow(
      TypeError,
    );
  });

  it('mounts on Express, a Router and Connect, and lets hooks see a chosen request type', () => {
    const app = express();
    app.use(WEBHOOK_PATH, rocketreachWebhook({ secret: SECRET }));
    express.Router().use(rocketreachWebhook({ secret: SECRET }));
    connect().use(WEBHOOK_PATH, rocketreachWebhook({ secret: SECRET }));

    rocketreachWebhook<express.Request>({
      secret: SECRET,
      onSingle(_p, _d, req) {
        const ip: string | undefined = req.ip;
        void ip;
      },
    });
    rocketreachWebhook({
      secret: SECRET,
      onSingle(
        _p,
        _d,
        req: IncomingMessage & { rocketreach?: RocketReachDelivery },
      ) {
        void req.headers;
      },
    });

    const code: RocketReachErrorCode = 'signature.mismatch';
    // @ts-expect-error codes are a closed union
    const wrong: RocketReachErrorCode = 'signature.wrong';
    expect([code, wrong]).toHaveLength(2);
  });
});
