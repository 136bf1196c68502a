// What every entry exports: the errors, the schemas and types, and the
// runtime-free idempotency pieces. Nothing here imports Node's built-ins.
export {
  ERROR_CODES,
  ERROR_STATUS,
  isRocketReachWebhookError,
  RocketReachWebhookError,
} from './core/errors.js';
export type { RocketReachErrorCode } from './core/errors.js';
export { DEFAULT_LIMIT } from './core/options.js';
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
