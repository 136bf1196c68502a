import express from 'express';
import type { NextFunction, Request, Response } from 'express';

import {
  rocketreachWebhook,
  type RocketReachWebhookOptions,
  type WebhookRequest,
} from '../../src/index';

export interface Harness {
  app: express.Express;
  /** Every error handed to `next(err)`, for asserting what it carries. */
  errors: unknown[];
  warnings: string[];
}

export const WEBHOOK_PATH = '/webhooks/rocketreach';

/** A logger that records instead of printing. */
export function recordingLogger(warnings: string[] = []) {
  return {
    warnings,
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
  };
}

/**
 * An Express app with the middleware on `app.post(WEBHOOK_PATH)` and an
 * error handler that answers with the error's status and code, the way an
 * app following the README would.
 */
export function expressHarness(
  options: Partial<RocketReachWebhookOptions<WebhookRequest>>,
  mount?: (
    app: express.Express,
    middleware: ReturnType<typeof rocketreachWebhook>,
  ) => void,
): Harness {
  const errors: unknown[] = [];
  const logger = recordingLogger();
  const app = express();
  const middleware = rocketreachWebhook({
    logger,
    ...options,
  } as RocketReachWebhookOptions<WebhookRequest>);

  if (mount) mount(app, middleware);
  else app.post(WEBHOOK_PATH, middleware);

  app.use(errorResponder(errors));
  return { app, errors, warnings: logger.warnings };
}

export function errorResponder(errors: unknown[]) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(err);
    const {
      status = 500,
      code,
      expose,
      message,
    } = err as {
      status?: number;
      code?: string;
      expose?: boolean;
      message?: string;
    };
    res
      .status(status)
      .json({ error: { code, message: expose ? message : undefined } });
  };
}
