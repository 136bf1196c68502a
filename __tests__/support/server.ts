import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';

import {
  rocketreachWebhook,
  type RocketReachWebhookOptions,
} from '../../src/index';
import { errorResponder, WEBHOOK_PATH } from './apps';

export interface Listening {
  url: string;
  port: number;
  close: () => Promise<void>;
}

/** Listens on a free loopback port; the caller closes it. */
export function listen(app: express.Express): Promise<Listening> {
  return new Promise((resolve) => {
    const server: Server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
        port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A real receiver with the middleware, listening on loopback. */
export function listenWithWebhook(
  options: RocketReachWebhookOptions,
): Promise<Listening> {
  const app = express();
  app.post(WEBHOOK_PATH, rocketreachWebhook({ logger: false, ...options }));
  app.use(errorResponder([]));
  return listen(app);
}
