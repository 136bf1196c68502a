import { formatIssuePath, type RocketReachDelivery } from './delivery.js';
import { RocketReachWebhookError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/**
 * Hands a verified delivery to the hook for its kind. A hook that throws or
 * rejects becomes `hook.failed` (a 500, so the sender retries), with the
 * hook's own error kept as `cause` for the app's logs.
 */
export async function dispatchDelivery<Req>(
  delivery: RocketReachDelivery,
  options: ResolvedOptions<Req>,
  req: Req,
): Promise<void> {
  const { hooks, logger } = options;

  try {
    switch (delivery.kind) {
      case 'single':
        await hooks.onSingle?.(delivery.profile, delivery, req);
        break;
      case 'bulk':
        await hooks.onBulk?.(delivery.profiles, delivery, req);
        break;
      case 'unknown':
        if (hooks.onUnknown) {
          await hooks.onUnknown(delivery.payload, delivery, req);
        } else if (options.hasHooks) {
          // Only paths and zod's expectations are logged: never the values.
          const where = delivery.issues
            .slice(0, 5)
            .map(formatIssuePath)
            .join(', ');
          logger.warn(
            `rocketreach-webhooks: a verified delivery (request ${delivery.requestId ?? 'without ID'}) ` +
              `is not a profile or a list of profiles (issues at ${where}); it was acknowledged ` +
              'without a hook. Set onUnknown to receive such deliveries.',
          );
        }
        break;
    }
  } catch (cause) {
    throw new RocketReachWebhookError(
      'hook.failed',
      `The ${hookName(delivery)} hook failed.`,
      {
        cause,
      },
    );
  }
}

function hookName(delivery: RocketReachDelivery): string {
  if (delivery.kind === 'single') return 'onSingle';
  return delivery.kind === 'bulk' ? 'onBulk' : 'onUnknown';
}
