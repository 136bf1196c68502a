import bytes from 'bytes';

import type {
  BulkDelivery,
  RocketReachDelivery,
  SingleDelivery,
  UnknownDelivery,
} from './delivery.js';
import type { RocketReachErrorCode } from './errors.js';
import {
  positiveMs,
  resolveIdempotency,
  type IdempotencyOptions,
  type ResolvedIdempotency,
} from './idempotency.js';
import { resolveLogger, type RocketReachLogger } from './logger.js';
import type { RocketReachProfile } from './schema.js';

/** Room for a 100-profile bulk delivery of heavy profiles, several times over. */
export const DEFAULT_LIMIT = '2mb';

type Awaitable<T> = T | Promise<T>;

/** Options shared by every adapter; `Req` is that adapter's request type. */
export interface RocketReachWebhookOptions<Req> {
  /**
   * The webhook's secret from the RocketReach dashboard, or a list of secrets
   * to accept while one is being rotated. Required.
   */
  secret: string | readonly (string | undefined)[];
  /**
   * The largest body accepted, in bytes or as a string such as `'2mb'`.
   * Larger bodies are refused with 413 before they are read.
   * @default '2mb'
   */
  limit?: number | string;
  /** Called once for each verified People Lookup delivery. */
  onSingle?: (
    profile: RocketReachProfile,
    delivery: SingleDelivery,
    req: Req,
  ) => Awaitable<void>;
  /** Called once for each verified Bulk People Lookup delivery. */
  onBulk?: (
    profiles: RocketReachProfile[],
    delivery: BulkDelivery,
    req: Req,
  ) => Awaitable<void>;
  /**
   * Called for a verified JSON body that is not a profile or a list of
   * profiles, such as the dashboard's "Test Webhook" payload. Without it such
   * deliveries are acknowledged and a warning is logged.
   */
  onUnknown?: (
    payload: unknown,
    delivery: UnknownDelivery,
    req: Req,
  ) => Awaitable<void>;
  /**
   * Recognises copies of a delivery already processed, in one process
   * (`memoryStore()`) or across instances (`redisStore(client)`). A copy is
   * answered 2xx with `duplicate: true` and the hooks do not run again.
   */
  idempotency?: IdempotencyOptions;
  /**
   * When the sender gets its answer. `'after-hooks'` answers once the hooks
   * have succeeded, so a failure becomes a 5xx and the sender retries: right
   * for serverless functions, which may stop once they have answered.
   * `'before-hooks'` answers 2xx as soon as the delivery is verified and runs
   * the hooks afterwards, reporting failures to `onError`: for slow hooks on
   * a long-running server.
   * @default 'after-hooks'
   */
  acknowledge?: 'after-hooks' | 'before-hooks';
  /**
   * The longest the hooks may take before the sender is answered 503 so that
   * it retries, in milliseconds. The hooks keep running; a later failure goes
   * to `onError`. Off by default.
   */
  hookTimeout?: number;
  /**
   * The longest the body may take to arrive, in milliseconds; a slower body
   * is refused with 408.
   * @default 30000
   */
  bodyTimeout?: number;
  /**
   * Called with failures that happen after the sender was answered: hooks
   * run with `acknowledge: 'before-hooks'`, or finishing after `hookTimeout`.
   * Without it they are logged through `logger.error`.
   */
  onError?: (error: unknown, delivery: RocketReachDelivery) => void;
  /**
   * Called for each refused request, for metrics. The event holds no
   * personal data.
   */
  onRejected?: (event: RejectedEvent) => void;
  /**
   * Receives warnings about configuration and unexpected deliveries. `false`
   * silences them.
   * @default console
   */
  logger?: RocketReachLogger | false;
}

/** What `onRejected` receives: the refusal's code and status, nothing else. */
export interface RejectedEvent {
  code: RocketReachErrorCode;
  status: number;
  /** `RR-Request-ID`, when the request carried one. */
  requestId: string | undefined;
}

/** Options after validation, in the form the adapters use. */
export interface ResolvedOptions<Req> {
  secrets: string[];
  limit: number;
  hooks: Pick<
    RocketReachWebhookOptions<Req>,
    'onSingle' | 'onBulk' | 'onUnknown'
  >;
  hasHooks: boolean;
  logger: RocketReachLogger;
  idempotency: ResolvedIdempotency | undefined;
  acknowledge: 'after-hooks' | 'before-hooks';
  hookTimeout: number | undefined;
  bodyTimeout: number;
  onError:
    ((error: unknown, delivery: RocketReachDelivery) => void) | undefined;
  onRejected: ((event: RejectedEvent) => void) | undefined;
}

/** The default of the `bodyTimeout` option. */
export const DEFAULT_BODY_TIMEOUT = 30_000;

/** How an adapter names itself in errors, and the options it adds. */
export interface AdapterInfo {
  /** The factory's name, such as `rocketreachWebhook`. */
  factory: string;
  /** A line of code that uses the factory correctly. */
  usage: string;
  /** Option names the adapter accepts on top of the shared ones. */
  extraOptions?: readonly string[];
}

const SHARED_OPTIONS = [
  'secret',
  'limit',
  'onSingle',
  'onBulk',
  'onUnknown',
  'idempotency',
  'acknowledge',
  'hookTimeout',
  'bodyTimeout',
  'onError',
  'onRejected',
  'logger',
];
const HOOKS = ['onSingle', 'onBulk', 'onUnknown'] as const;
const CALLBACKS = [...HOOKS, 'onError', 'onRejected'] as const;

/**
 * Checks the options once, when the middleware is created, so that a
 * configuration that cannot work fails at start-up instead of on the first
 * delivery. Throws a `TypeError` that names the option and the fix.
 */
export function resolveOptions<Req>(
  options: RocketReachWebhookOptions<Req>,
  { factory, usage, extraOptions = [] }: AdapterInfo,
): ResolvedOptions<Req> {
  if (looksLikeRequest(options)) {
    throw new TypeError(
      `${factory} was given a request: it makes the handler, it is not the ` +
        `handler. Call it with options: ${usage}.`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `${factory} needs an options object with at least a secret, ` +
        `such as ${factory}({ secret: process.env.ROCKETREACH_WEBHOOK_SECRET }).`,
    );
  }
  rejectUnknownOptions(options as object, factory, [
    ...SHARED_OPTIONS,
    ...extraOptions,
  ]);

  const logger = resolveLogger(checkLogger(options.logger));
  const secrets = resolveSecrets(options.secret, logger);
  const limit = resolveLimit(options.limit);

  for (const name of CALLBACKS) {
    const hook = options[name];
    if (hook !== undefined && typeof hook !== 'function') {
      throw new TypeError(
        `The ${name} option must be a function; got ${describe(hook)}.`,
      );
    }
  }
  const hooks = {
    onSingle: options.onSingle,
    onBulk: options.onBulk,
    onUnknown: options.onUnknown,
  };
  const hasHooks = HOOKS.some((name) => options[name] !== undefined);

  const acknowledge = checkChoice('acknowledge', options.acknowledge, [
    'after-hooks',
    'before-hooks',
  ]);
  const hookTimeout =
    options.hookTimeout === undefined
      ? undefined
      : positiveMs(options.hookTimeout, 'hookTimeout', 0);
  const bodyTimeout = positiveMs(
    options.bodyTimeout,
    'bodyTimeout',
    DEFAULT_BODY_TIMEOUT,
  );
  const idempotency = resolveIdempotency(options.idempotency);
  if (
    idempotency &&
    hookTimeout !== undefined &&
    idempotency.lease <= hookTimeout
  ) {
    throw new TypeError(
      `The idempotency lease (${idempotency.lease} ms${
        options.idempotency?.lease === undefined ? ', the default' : ''
      }) must be longer than hookTimeout (${hookTimeout} ms), or a copy re-sent after ` +
        'a timeout could run while the first is still being processed.',
    );
  }

  return {
    secrets,
    limit,
    hooks,
    hasHooks,
    logger,
    idempotency,
    acknowledge,
    hookTimeout,
    bodyTimeout,
    onError: options.onError,
    onRejected: options.onRejected,
  };
}

function resolveSecrets(value: unknown, logger: RocketReachLogger): string[] {
  const fix =
    'Pass the secret from the RocketReach dashboard, for example ' +
    '{ secret: process.env.ROCKETREACH_WEBHOOK_SECRET }.';

  if (value === undefined || value === null) {
    throw new TypeError(`The secret option is required. ${fix}`);
  }
  if (typeof value === 'string') {
    if (value.length === 0)
      throw new TypeError(`The secret option is an empty string. ${fix}`);
    warnOnWhitespace([value], logger);
    return [value];
  }
  if (!Array.isArray(value)) {
    throw new TypeError(
      `The secret option must be a string or a list of strings; got ${describe(value)}.`,
    );
  }

  // A rotation is often written as [process.env.NEW, process.env.OLD], where
  // one variable may not be set yet: empty entries are skipped with a warning.
  const secrets: string[] = [];
  value.forEach((entry: unknown, index) => {
    if (entry === undefined || entry === null || entry === '') return;
    if (typeof entry !== 'string') {
      throw new TypeError(
        `secret[${index}] must be a string; got ${describe(entry)}.`,
      );
    }
    secrets.push(entry);
  });
  if (secrets.length === 0) {
    throw new TypeError(
      `The secret option is a list with no usable secret: every entry is empty. ${fix}`,
    );
  }
  if (secrets.length < value.length) {
    logger.warn(
      `rocketreach-webhooks: ${value.length - secrets.length} of the ${value.length} secrets ` +
        'given are empty and were skipped; check the environment variables they come from.',
    );
  }
  warnOnWhitespace(secrets, logger);
  return secrets;
}

function warnOnWhitespace(secrets: string[], logger: RocketReachLogger): void {
  if (!secrets.some((secret) => secret.trim() !== secret)) return;

  logger.warn(
    'rocketreach-webhooks: a configured secret starts or ends with whitespace, so signatures ' +
      'made with the secret from the dashboard will not match. Trim the value, for example ' +
      'process.env.ROCKETREACH_WEBHOOK_SECRET.trim().',
  );
}

function resolveLimit(value: unknown): number {
  if (value === undefined) return bytes.parse(DEFAULT_LIMIT) as number;

  const parsed =
    typeof value === 'number' || typeof value === 'string'
      ? bytes.parse(value)
      : null;
  if (parsed === null || !Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new TypeError(
      `The limit option must be a positive number of bytes or a size such as '2mb'; ` +
        `got ${describe(value)}.`,
    );
  }
  return parsed;
}

function checkLogger(value: unknown): RocketReachLogger | false | undefined {
  if (value === undefined || value === false) return value;

  const candidate = value as Partial<RocketReachLogger> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.warn !== 'function' ||
    typeof candidate.error !== 'function'
  ) {
    throw new TypeError(
      'The logger option must have warn() and error() methods, or be false.',
    );
  }
  return candidate as RocketReachLogger;
}

function rejectUnknownOptions(
  options: object,
  factory: string,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;

    const suggestion = closest(key, known);
    const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
    throw new TypeError(
      `${factory} does not take an option named "${key}".${hint} ` +
        `Known options: ${known.join(', ')}.`,
    );
  }
}

/** The known name nearest to a typo, when it is near enough to be the intent. */
function closest(
  name: string,
  candidates: readonly string[],
): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution =
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A Node request (Express, Connect) or a Fetch API `Request`. */
function looksLikeRequest(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'headers' in value &&
    'method' in value &&
    ('url' in value || 'on' in value)
  );
}

/** Throws unless an optional option is a boolean. */
export function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(
      `The ${name} option must be true or false; got ${describe(value)}.`,
    );
  }
}

/**
 * Returns an option that must be one of a few strings, or the first of them
 * when it is not set; throws a `TypeError` listing the choices otherwise.
 */
export function checkChoice<const Choice extends string>(
  name: string,
  value: unknown,
  choices: readonly [Choice, ...Choice[]],
): Choice {
  if (value === undefined) return choices[0];
  if ((choices as readonly unknown[]).includes(value)) return value as Choice;

  const listed = choices.map((choice) => `'${choice}'`);
  const last = listed.pop() as string;
  const allowed = listed.length > 0 ? `${listed.join(', ')} or ${last}` : last;
  const got =
    typeof value === 'string' ? JSON.stringify(value) : describe(value);
  throw new TypeError(`The ${name} option must be ${allowed}; got ${got}.`);
}

/** Names what a value is without printing it: it may be a secret. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
