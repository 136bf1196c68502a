import Redis from 'ioredis';
import { createClient } from 'redis';

import { redisStore, type IdempotencyStore } from '../../src/index';

/** The server the global set-up (or CI) provides. */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error('REDIS_URL is not set: the global set-up starts a server');
  return url;
}

export interface StoreSetup {
  name: string;
  /** A fresh store, and how to close what it opened. */
  open(): Promise<{ store: IdempotencyStore; close: () => Promise<void> }>;
}

export const redisSetups: StoreSetup[] = [
  {
    name: 'redisStore with the redis client',
    async open() {
      const client = createClient({ url: redisUrl() });
      await client.connect();
      return {
        store: redisStore(client),
        close: async () => void (await client.quit()),
      };
    },
  },
  {
    name: 'redisStore with ioredis',
    async open() {
      const client = new Redis(redisUrl());
      return {
        store: redisStore(client),
        close: async () => void (await client.quit()),
      };
    },
  },
];
