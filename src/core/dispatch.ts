import { formatIssuePath, type RocketReachDelivery } from './delivery.js';
import { RocketReachWebhookError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/**
 * Hands a verified delivery to the hook for its kind. A hook that throws or
 * rejects becomes `hook.failed` (a 500, so the sender retries), with the
 * hook's own error kept as `cause` for the app's logs.
 *
 * Returns a promise only when the hook did: a hook that finishes in the same
 * turn lets the sender be answered in that turn too.
 */
export function dispatchDelivery<Req>(
  delivery: RocketReachDelivery,
  options: ResolvedOptions<Req>,
  req: Req,
): void | Promise<void> {
  let result: unknown;
  try {
    result = callHook(delivery, options, req);
  } catch (cause) {
    throw hookFailed(delivery, cause);
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      () => undefined,
      (cause: unknown) => {
        throw hookFailed(delivery, cause);
      },
    );
  }
}

function callHook<Req>(
  delivery: RocketReachDelivery,
  { hooks, hasHooks, logger }: ResolvedOptions<Req>,
  req: Req,
): unknown {
  switch (delivery.kind) {
    case 'single':
      return hooks.onSingle?.(delivery.profile, delivery, req);
    case 'bulk':
      return hooks.onBulk?.(delivery.profiles, delivery, req);
    case 'unknown':
      if (hooks.onUnknown) {
        return hooks.onUnknown(delivery.payload, delivery, req);
      }
      if (hasHooks) {
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
      return undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function hookFailed(
  delivery: RocketReachDelivery,
  cause: unknown,
): RocketReachWebhookError {
  return new RocketReachWebhookError(
    'hook.failed',
    `The ${hookName(delivery)} hook failed.`,
    { cause },
  );
}

function hookName(delivery: RocketReachDelivery): string {
  if (delivery.kind === 'single') return 'onSingle';
  return delivery.kind === 'bulk' ? 'onBulk' : 'onUnknown';
}
