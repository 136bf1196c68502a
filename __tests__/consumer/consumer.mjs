// An ES module user of the installed package.
import { rocketreachWebhook, verifySignature } from 'rocketreach-webhooks';
import { buildProfile, signedDelivery } from 'rocketreach-webhooks/testing';
import { createWebhookHandler } from 'rocketreach-webhooks/web';

const { body, headers } = signedDelivery(buildProfile(), { secret: 's' });
const handler = createWebhookHandler({ secret: 's' });
const response = await handler(
  new Request('http://localhost/hook', { method: 'POST', headers, body }),
);
console.log(
  JSON.stringify({
    middleware: typeof rocketreachWebhook({ secret: 's' }),
    verified: verifySignature('s', body, headers['x-rocketreach-signature']),
    handled: response.status,
  }),
);
