import type { ClaimStatus, IdempotencyStore } from '../core/idempotency.js';

export interface MemoryStoreOptions {
  /**
   * The most deliveries remembered at once. Past it the oldest entries are
   * forgotten first, so memory stays bounded whatever the traffic.
   * @default 10000
   */
  maxEntries?: number;
}

interface Entry {
  token: string | undefined;
  expiresAt: number;
}

/** A store in this process's memory, with its current number of entries. */
export interface MemoryStore extends IdempotencyStore {
  readonly size: number;
}

/**
 * An idempotency store in this process's memory, bounded in entries and in
 * time. It protects one process only: behind a load balancer, use
 * `redisStore()` so that every instance shares one view.
 *
 * note: an entry forgotten to stay under `maxEntries` lets a later copy of
 * that delivery through. Size the bound above the deliveries expected within
 * the retention window.
 */
export function memoryStore({
  maxEntries = 10_000,
}: MemoryStoreOptions = {}): MemoryStore {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(
      'memoryStore maxEntries must be a positive whole number.',
    );
  }
  // A token marks a lease; `undefined` marks a delivery done.
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function put(key: string, entry: Entry): void {
    // Re-inserting keeps the Map in order of last write, oldest first.
    entries.delete(key);
    entries.set(key, entry);
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  }

  return {
    get size() {
      return entries.size;
    },

    async claim(key, token, leaseMs): Promise<ClaimStatus> {
      const entry = live(key);
      if (entry) return entry.token === undefined ? 'done' : 'processing';

      put(key, { token, expiresAt: Date.now() + leaseMs });
      return 'acquired';
    },

    async complete(key, token, retentionMs) {
      if (live(key)?.token === token) {
        put(key, { token: undefined, expiresAt: Date.now() + retentionMs });
      }
    },

    async release(key, token) {
      if (live(key)?.token === token) entries.delete(key);
    },
  };
}
