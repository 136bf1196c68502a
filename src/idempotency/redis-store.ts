import type { ClaimStatus, IdempotencyStore } from '../core/idempotency.js';

/**
 * The part of a Redis client this store uses: `sendCommand(args)` of the
 * official `redis` package (v4 and later), or `call(command, ...args)` of
 * `ioredis` (v5 and later).
 */
export type RedisClientLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> };

export interface RedisStoreOptions {
  /**
   * How long one Redis command may take before the delivery is refused with
   * 503, in milliseconds. Clients queue commands while disconnected; without
   * this bound a request would wait for the connection to come back.
   * @default 2000
   */
  timeout?: number;
}

// Each operation is one script, so it runs atomically on the server: no
// other instance can act between its read and its write. Values: "p:<token>"
// for a lease, "d" for a delivery done.
const CLAIM = `
local value = redis.call('GET', KEYS[1])
if not value then
  redis.call('SET', KEYS[1], 'p:' .. ARGV[1], 'PX', ARGV[2])
  return 'acquired'
end
if value == 'd' then return 'done' end
return 'processing'`;

const COMPLETE = `
if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then
  redis.call('SET', KEYS[1], 'd', 'PX', ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * An idempotency store in Redis, shared by every app instance that uses the
 * same server. Pass a connected client of `redis` or `ioredis`; the store
 * never connects, disconnects or reconfigures it.
 */
export function redisStore(
  client: RedisClientLike,
  { timeout = 2000 }: RedisStoreOptions = {},
): IdempotencyStore {
  const send = commandSender(client);
  if (!Number.isSafeInteger(timeout) || timeout <= 0) {
    throw new TypeError(
      'redisStore timeout must be a positive whole number of milliseconds.',
    );
  }

  function script(
    source: string,
    key: string,
    ...args: string[]
  ): Promise<unknown> {
    return withTimeout(send(['EVAL', source, '1', key, ...args]), timeout);
  }

  return {
    async claim(key, token, leaseMs) {
      const status = String(await script(CLAIM, key, token, String(leaseMs)));
      if (
        status !== 'acquired' &&
        status !== 'processing' &&
        status !== 'done'
      ) {
        throw new Error('unexpected answer from the Redis claim script');
      }
      return status as ClaimStatus;
    },
    async complete(key, token, retentionMs) {
      await script(COMPLETE, key, token, String(retentionMs));
    },
    async release(key, token) {
      await script(RELEASE, key, token);
    },
  };
}

function commandSender(client: unknown): (args: string[]) => Promise<unknown> {
  const candidate = client as Partial<
    Record<'call' | 'sendCommand', unknown>
  > | null;
  // ioredis also has a `sendCommand`, taking its own Command objects, so
  // `call` is looked for first.
  if (candidate && typeof candidate.call === 'function') {
    const call = candidate.call as (
      command: string,
      ...args: string[]
    ) => Promise<unknown>;
    return ([command, ...args]) =>
      call.call(client, command as string, ...args);
  }
  if (candidate && typeof candidate.sendCommand === 'function') {
    const sendCommand = candidate.sendCommand as (
      args: string[],
    ) => Promise<unknown>;
    return (args) => sendCommand.call(client, args);
  }
  throw new TypeError(
    'redisStore needs a client of the redis package (createClient()) or of ioredis ' +
      '(new Redis()), already connected.',
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${ms} ms`)),
      ms,
    );
  });
  // A command that settles after the deadline must not surface unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
