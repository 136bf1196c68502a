import type { RocketReachDelivery } from './delivery.js';
import { dispatchDelivery } from './dispatch.js';
import {
  isRocketReachWebhookError,
  RocketReachWebhookError,
} from './errors.js';
import { NO_CLAIM, type Claim } from './idempotency.js';
import type { ResolvedOptions } from './options.js';

/**
 * Runs the hooks while the sender waits. On success the claim is settled as
 * done, unless `settleOnSuccess` is false because the app's own handler still
 * has to answer; on failure it is released so a re-sent copy is processed.
 *
 * With `hookTimeout`, the wait ends with `hook.timeout` (503). The hooks keep
 * running, and their claim keeps other copies away until they finish.
 */
export function runHooks<Req>(
  delivery: RocketReachDelivery,
  config: ResolvedOptions<Req>,
  req: Req,
  claim: Claim,
  settleOnSuccess = true,
): void | Promise<void> {
  // Without a store or a deadline there is nothing to settle or race, and a
  // hook that returns no promise is done when it returns.
  if (claim === NO_CLAIM && config.hookTimeout === undefined) {
    return dispatchDelivery(delivery, config, req);
  }

  return settleAndRace(delivery, config, req, claim, settleOnSuccess);
}

async function settleAndRace<Req>(
  delivery: RocketReachDelivery,
  config: ResolvedOptions<Req>,
  req: Req,
  claim: Claim,
  settleOnSuccess: boolean,
): Promise<void> {
  const work = Promise.resolve()
    .then(() => dispatchDelivery(delivery, config, req))
    .then(
      async () => {
        if (settleOnSuccess) await claim.settle(true);
      },
      async (error: unknown) => {
        await claim.settle(false);
        throw error;
      },
    );
  if (config.hookTimeout === undefined) return work;

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.hookTimeout);
  });
  const outcome = await Promise.race([work, deadline]).finally(() =>
    clearTimeout(timer),
  );
  if (outcome !== 'timeout') return;

  work.catch((error: unknown) => reportLateError(error, delivery, config));
  throw new RocketReachWebhookError(
    'hook.timeout',
    `The hooks did not finish within ${config.hookTimeout} ms; retry later.`,
  );
}

/**
 * Runs the hooks after the sender has been answered. Failures cannot reach
 * the sender any more, so they go to `onError` (or the logger).
 */
export function runHooksInBackground<Req>(
  delivery: RocketReachDelivery,
  config: ResolvedOptions<Req>,
  req: Req,
  claim: Claim,
): void {
  Promise.resolve()
    .then(() => runHooks(delivery, config, req, claim))
    .catch((error: unknown) => reportLateError(error, delivery, config));
}

/** Hands a failure that happened after the answer to `onError` or the logger. */
export function reportLateError<Req>(
  error: unknown,
  delivery: RocketReachDelivery,
  config: ResolvedOptions<Req>,
): void {
  if (config.onError) {
    try {
      config.onError(error, delivery);
      return;
    } catch {
      // An onError that throws is reported like a missing one.
    }
  }
  const code = isRocketReachWebhookError(error)
    ? error.code
    : 'unexpected error';
  config.logger.error(
    `rocketreach-webhooks: ${code} after a ${delivery.kind} delivery (request ` +
      `${delivery.requestId ?? 'without ID'}) was answered. Set onError to handle it.`,
  );
}

/** Tells `onRejected` about a refusal; a throwing callback is ignored. */
export function reportRejected<Req>(
  error: unknown,
  requestId: string | undefined,
  config: ResolvedOptions<Req>,
): void {
  if (!config.onRejected || !isRocketReachWebhookError(error)) return;
  try {
    config.onRejected({ code: error.code, status: error.status, requestId });
  } catch {
    // Metrics must not change how the sender is answered.
  }
}

/** Reports a store failure while settling; the lease then expires by itself. */
export function settleErrorReporter<Req>(config: ResolvedOptions<Req>) {
  return (): void => {
    config.logger.error(
      'rocketreach-webhooks: the idempotency store failed to record a delivery outcome; ' +
        'its lease will expire, and a re-sent copy will then be processed again.',
    );
  };
}
