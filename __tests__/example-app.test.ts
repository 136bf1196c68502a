import request from 'supertest';

import { createApp, WEBHOOK_PATH } from '../example-app/app';
import { delivery, sendRaw } from './support/deliveries';
import {
  OTHER_SECRET,
  PERSONAL_EMAIL,
  profile,
  SECRET,
} from './support/fixtures';

function exampleApp() {
  const lines: string[] = [];
  const record = (line: string) => lines.push(line);
  const app = createApp({
    secret: SECRET,
    log: { log: record, warn: record, error: record },
  });
  return { app, lines };
}

describe('the example app', () => {
  it('acknowledges a single delivery and logs its id, not its personal data', async () => {
    const { app, lines } = exampleApp();

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1)),
    );

    expect(res.status).toBe(200);
    expect(lines).toEqual([
      'single delivery 85c36d54-8c43-4a97-8a7d-782d8a0f938f: profile 1 (complete), 1 emails, 1 phones',
    ]);
    expect(lines.join('\n')).not.toContain(PERSONAL_EMAIL);
  });

  it('acknowledges a bulk delivery and logs counts and ids', async () => {
    const { app, lines } = exampleApp();

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery([profile(1), profile(2, { status: 'progress' })]),
    );

    expect(res.status).toBe(200);
    expect(lines[0]).toContain('2 profiles, 1 complete, ids 1, 2');
  });

  it('answers a forged delivery 401 with its code, and logs only the code', async () => {
    const { app, lines } = exampleApp();

    const res = await sendRaw(
      request(app).post(WEBHOOK_PATH),
      delivery(profile(1), { secret: OTHER_SECRET }),
    );

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature.mismatch');
    expect(lines).toEqual([
      `refused a request to ${WEBHOOK_PATH}: 401 signature.mismatch`,
    ]);
  });
});
