import { RocketReachWebhookError } from './errors.js';

/** What a store answers when a copy of a delivery asks to be processed. */
export type ClaimStatus =
  /** No other copy holds or finished it: this copy now holds the lease. */
  | 'acquired'
  /** Another copy holds an unexpired lease: it is being processed. */
  | 'processing'
  /** A copy was processed successfully within the retention window. */
  | 'done';

/**
 * Where deliveries are remembered. `memoryStore()` and `redisStore()` make
 * one; any object with these three methods works, as long as each method is
 * atomic (for example a Redis script or a SQL `INSERT ... ON CONFLICT`).
 */
export interface IdempotencyStore {
  /**
   * Takes the lease on `key` for `leaseMs` under `token`, unless another
   * copy holds it or finished it.
   */
  claim(key: string, token: string, leaseMs: number): Promise<ClaimStatus>;
  /** Marks `key` done for `retentionMs`, if `token` still holds the lease. */
  complete(key: string, token: string, retentionMs: number): Promise<void>;
  /** Gives up the lease so that a re-sent copy is processed, if `token` holds it. */
  release(key: string, token: string): Promise<void>;
}

/** The `idempotency` option. */
export interface IdempotencyOptions {
  store: IdempotencyStore;
  /**
   * How long a processed delivery is remembered, in milliseconds.
   * @default 86400000 (24 hours)
   */
  retention?: number;
  /**
   * How long a copy being processed keeps other copies away, in
   * milliseconds. A process that dies mid-way loses its lease after this
   * long, and a re-sent copy is then processed. Keep it above the time the
   * hooks can take.
   * @default 60000 (one minute)
   */
  lease?: number;
}

export interface ResolvedIdempotency {
  store: IdempotencyStore;
  retention: number;
  lease: number;
}

export const DEFAULT_RETENTION = 24 * 60 * 60 * 1000;
export const DEFAULT_LEASE = 60 * 1000;

/** Checks the `idempotency` option at start-up. */
export function resolveIdempotency(
  value: unknown,
): ResolvedIdempotency | undefined {
  if (value === undefined) return undefined;

  const options = value as Partial<IdempotencyOptions> | null;
  const store = options?.store as Partial<IdempotencyStore> | undefined;
  if (
    !store ||
    typeof store.claim !== 'function' ||
    typeof store.complete !== 'function' ||
    typeof store.release !== 'function'
  ) {
    throw new TypeError(
      'The idempotency option needs a store: { store: memoryStore() } for one process, ' +
        'or { store: redisStore(client) } for several instances.',
    );
  }

  const retention = positiveMs(
    options?.retention,
    'idempotency.retention',
    DEFAULT_RETENTION,
  );
  const lease = positiveMs(options?.lease, 'idempotency.lease', DEFAULT_LEASE);
  return { store: store as IdempotencyStore, retention, lease };
}

export function positiveMs(
  value: unknown,
  name: string,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(
      `The ${name} option must be a positive whole number of milliseconds.`,
    );
  }
  return value;
}

const encoder = new TextEncoder();

/**
 * The bytes a delivery is identified by, in the order they are hashed. The
 * signature covers the body but not `RR-Request-ID`, so neither alone will
 * do: the body alone would merge two lookups that happen to return identical
 * profiles, and the request ID alone could be re-sent with any body. Header
 * values cannot hold a newline, so the separator keeps the two parts apart.
 * The parts are hashed one after the other rather than joined, which would
 * copy the body.
 */
export function deliveryIdentity(
  requestId: string | undefined,
  rawBody: Uint8Array,
): Uint8Array[] {
  return [encoder.encode(`${requestId ?? ''}\n`), rawBody];
}

/** Store keys carry this prefix, so they are easy to find and expire. */
export const KEY_PREFIX = 'rocketreach-webhooks:delivery:';

/** One copy's hold on a delivery, and how it ends. */
export interface Claim {
  duplicate: boolean;
  /**
   * Records the outcome once: success marks the delivery done for the
   * retention window; failure releases it for a re-sent copy. Never throws:
   * a store failure here is logged, and the lease then expires by itself.
   */
  settle(succeeded: boolean): Promise<void>;
}

/** The claim of every delivery when the `idempotency` option is not set. */
export const NO_CLAIM: Claim = {
  duplicate: false,
  settle: async () => undefined,
};

/**
 * Asks the store whether this copy may be processed. Throws
 * `delivery.in_progress` while another copy holds the lease, and
 * `idempotency.unavailable` when the store fails, so the sender retries
 * rather than the hooks running unguarded.
 */
export async function claimDelivery(
  idempotency: ResolvedIdempotency | undefined,
  hashHex: string | undefined,
  onSettleError: (error: unknown) => void,
): Promise<Claim> {
  if (!idempotency || hashHex === undefined) return NO_CLAIM;

  const { store, lease, retention } = idempotency;
  const key = `${KEY_PREFIX}${hashHex}`;
  const token = crypto.randomUUID();

  let status: ClaimStatus;
  try {
    status = await store.claim(key, token, lease);
  } catch (cause) {
    throw new RocketReachWebhookError(
      'idempotency.unavailable',
      'The idempotency store could not be reached; retry later.',
      { cause },
    );
  }

  if (status === 'done') return { duplicate: true, settle: NO_CLAIM.settle };
  if (status === 'processing') {
    throw new RocketReachWebhookError(
      'delivery.in_progress',
      'Another copy of this delivery is being processed; retry later.',
      { headers: { 'Retry-After': String(Math.ceil(lease / 1000)) } },
    );
  }

  let settled = false;
  return {
    duplicate: false,
    async settle(succeeded) {
      if (settled) return;
      settled = true;
      try {
        if (succeeded) await store.complete(key, token, retention);
        else await store.release(key, token);
      } catch (error) {
        onSettleError(error);
      }
    },
  };
}
