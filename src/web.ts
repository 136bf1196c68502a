// The entry for Web-standard runtimes (`rocketreach-webhooks/web`). It and
// everything it imports use only Fetch API and Web Crypto globals: nothing
// from Node's built-ins.
export { createWebhookHandler, verifyWebhookRequest } from './adapters/web.js';
export type { WebhookHandler, WebWebhookOptions } from './adapters/web.js';
export * from './shared-exports.js';
