export { rocketreachWebhook } from './adapters/express.js';
export type {
  RocketReachMiddleware,
  RocketReachWebhookOptions,
  WebhookRequest,
} from './adapters/express.js';
export { captureRawBody } from './adapters/node-body.js';
export { sign, verifySignature } from './node/hmac.js';
export { redisStore } from './idempotency/redis-store.js';
export type {
  RedisClientLike,
  RedisStoreOptions,
} from './idempotency/redis-store.js';
export * from './shared-exports.js';
