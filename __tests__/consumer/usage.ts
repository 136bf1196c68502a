// A TypeScript user of the installed package, compiled under several module
// resolution settings. Each @ts-expect-error proves the types resolved: with
// `any` in their place it would be unused, which is itself an error.
import {
  rocketreachWebhook,
  type RocketReachDelivery,
  type RocketReachProfile,
} from 'rocketreach-webhooks';
import { buildBulk, signedDelivery } from 'rocketreach-webhooks/testing';
import {
  createWebhookHandler,
  type WebhookHandler,
} from 'rocketreach-webhooks/web';

export const middleware = rocketreachWebhook({
  secret: 's',
  onBulk(profiles: RocketReachProfile[], delivery) {
    const kind: 'bulk' = delivery.kind;
    void [profiles.length, kind];
  },
});

export const handler: WebhookHandler = createWebhookHandler({ secret: 's' });

export function describe(delivery: RocketReachDelivery): string {
  return delivery.kind === 'single'
    ? String(delivery.profile.id)
    : delivery.kind;
}

export const sample = signedDelivery(buildBulk(2), { secret: 's' }).headers[
  'rr-request-id'
];

// @ts-expect-error the secret is required
rocketreachWebhook({});
// @ts-expect-error a handler takes a Request
void handler('not a request');
