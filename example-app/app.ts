import express from 'express';
import {
  rocketreachWebhook,
  type RocketReachProfile,
} from 'rocketreach-webhooks';

/** Where the example's messages go; the server passes `console`. */
export interface ExampleLog {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ExampleAppOptions {
  secret: string;
  log: ExampleLog;
}

/** The route RocketReach is pointed at in the dashboard. */
export const WEBHOOK_PATH = '/webhooks/rocketreach';

/**
 * An Express app that receives RocketReach deliveries. The hooks log counts
 * and profile ids only: profiles hold people's emails and phone numbers.
 */
export function createApp({ secret, log }: ExampleAppOptions): express.Express {
  const app = express();

  app.post(
    WEBHOOK_PATH,
    rocketreachWebhook({
      secret,
      logger: log,
      onSingle(profile, delivery) {
        log.log(
          `single delivery ${delivery.requestId ?? '(no request id)'}: ${describe(profile)}`,
        );
      },
      onBulk(profiles, delivery) {
        const finished = profiles.filter(
          (profile) => profile.status === 'complete',
        ).length;
        log.log(
          `bulk delivery ${delivery.requestId ?? '(no request id)'}: ${profiles.length} profiles, ` +
            `${finished} complete, ids ${profiles.map((profile) => profile.id).join(', ')}`,
        );
      },
      onUnknown(_payload, delivery) {
        log.log(
          `unrecognised delivery ${delivery.requestId ?? '(no request id)'} acknowledged`,
        );
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  // Refusals arrive here with a status and a stable code; only the code is
  // logged, and only messages marked safe to expose are sent back.
  app.use(
    (
      err: unknown,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const {
        status = 500,
        code = 'internal',
        expose = false,
        message,
      } = err as {
        status?: number;
        code?: string;
        expose?: boolean;
        message?: string;
      };
      log.warn(`refused a request to ${WEBHOOK_PATH}: ${status} ${code}`);
      res.status(status).json({
        error: { code, message: expose ? message : 'Internal error' },
      });
    },
  );

  return app;
}

function describe(profile: RocketReachProfile): string {
  const emails = profile.emails?.length ?? 0;
  const phones = profile.phones?.length ?? 0;
  return `profile ${profile.id} (${profile.status ?? 'no status'}), ${emails} emails, ${phones} phones`;
}
