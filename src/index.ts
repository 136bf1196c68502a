export { rocketreachWebhook } from './adapters/express.js';
export type {
  RocketReachMiddleware,
  RocketReachWebhookOptions,
  WebhookRequest,
} from './adapters/express.js';
export { captureRawBody } from './adapters/node-body.js';
export { sign, verifySignature } from './node/hmac.js';
export {
  ERROR_CODES,
  ERROR_STATUS,
  isRocketReachWebhookError,
  RocketReachWebhookError,
} from './core/errors.js';
export type { RocketReachErrorCode } from './core/errors.js';
export {
  educationSchema,
  emailSchema,
  jobHistorySchema,
  payloadSchema,
  phoneSchema,
  profileSchema,
} from './core/schema.js';
export type {
  RocketReachEducation,
  RocketReachEmail,
  RocketReachJob,
  RocketReachPayload,
  RocketReachPhone,
  RocketReachProfile,
} from './core/schema.js';
export type {
  BulkDelivery,
  DeliveryIssue,
  RocketReachDelivery,
  SingleDelivery,
  UnknownDelivery,
} from './core/delivery.js';
export type { RocketReachLogger } from './core/logger.js';
export type { RejectedEvent } from './core/options.js';
export type {
  ClaimStatus,
  IdempotencyOptions,
  IdempotencyStore,
} from './core/idempotency.js';
export { memoryStore } from './idempotency/memory-store.js';
export type {
  MemoryStore,
  MemoryStoreOptions,
} from './idempotency/memory-store.js';
export { redisStore } from './idempotency/redis-store.js';
export type {
  RedisClientLike,
  RedisStoreOptions,
} from './idempotency/redis-store.js';
export { DEFAULT_LIMIT } from './core/options.js';
