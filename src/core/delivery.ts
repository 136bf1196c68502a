import { RocketReachWebhookError } from './errors.js';
import { parseJsonBytes } from './json.js';
import { compileSchemaCheck } from './schema-check.js';
import { profileSchema, type RocketReachProfile } from './schema.js';

interface DeliveryBase {
  /** `RR-Request-ID`, to correlate with the lookup request. Not signed. */
  requestId: string | undefined;
  /** The exact bytes that were verified. */
  rawBody: Uint8Array;
  /**
   * True when the `idempotency` option recognised this delivery as one
   * already processed: the hooks did not run again. Always false without it.
   */
  duplicate: boolean;
}

/** A People Lookup result: one profile. */
export interface SingleDelivery extends DeliveryBase {
  kind: 'single';
  profile: RocketReachProfile;
  /** The same profile, so code can always loop over `profiles`. */
  profiles: [RocketReachProfile];
}

/** A Bulk People Lookup result: a list of profiles. */
export interface BulkDelivery extends DeliveryBase {
  kind: 'bulk';
  profiles: RocketReachProfile[];
}

/** Where and why a signed body did not match the profile schema. */
export interface DeliveryIssue {
  /** Path to the offending value, such as `[3, 'emails', 0, 'email']`. */
  path: PropertyKey[];
  /** The zod issue code, such as `invalid_type`. */
  code: string;
  /** What was expected; never contains the value that was received. */
  message: string;
}

/**
 * A signed, well-formed JSON body that is not a profile or a list of
 * profiles: the dashboard's "Test Webhook" payload, or a profile whose fields
 * changed shape. It is authentic, so it is handed over rather than dropped.
 */
export interface UnknownDelivery extends DeliveryBase {
  kind: 'unknown';
  /** The parsed JSON, unvalidated. */
  payload: unknown;
  issues: DeliveryIssue[];
  /** Always empty: nothing here passed validation as a profile. */
  profiles: [];
}

/** What `req.rocketreach` holds after a delivery has been verified. */
export type RocketReachDelivery =
  SingleDelivery | BulkDelivery | UnknownDelivery;

/**
 * Turns verified bytes into a delivery: strict UTF-8 and JSON, then the
 * profile schema. Throws `body.invalid_json` when the bytes are not JSON;
 * JSON that is not a profile becomes an `unknown` delivery.
 */
export function decodeDelivery(
  rawBody: Uint8Array,
  requestId: string | undefined,
): RocketReachDelivery {
  let payload: unknown;
  try {
    payload = parseJsonBytes(rawBody);
  } catch {
    // The parser's message quotes the body, so it is not kept.
    throw new RocketReachWebhookError(
      'body.invalid_json',
      'The signed body is not valid JSON.',
    );
  }

  const base = { requestId, rawBody, duplicate: false };
  if (Array.isArray(payload)) {
    const issues = payload.flatMap((item: unknown, index) =>
      issuesOf(item).map((issue) => ({
        ...issue,
        path: [index, ...issue.path],
      })),
    );
    if (issues.length > 0)
      return { kind: 'unknown', ...base, payload, issues, profiles: [] };
    return { kind: 'bulk', ...base, profiles: payload as RocketReachProfile[] };
  }

  const issues = issuesOf(payload);
  if (issues.length > 0)
    return { kind: 'unknown', ...base, payload, issues, profiles: [] };
  const profile = payload as RocketReachProfile;
  return { kind: 'single', ...base, profile, profiles: [profile] };
}

const isProfile = compileSchemaCheck(profileSchema);

/**
 * Validates one value against the profile schema. The schema has no
 * transforms or defaults, so a valid value is its own parsed form: the
 * delivery keeps the objects `JSON.parse` made (in the sender's key order).
 * A copy-free check answers for valid values; zod runs only on a value the
 * check refuses, to confirm it and name the issues.
 */
function issuesOf(value: unknown): DeliveryIssue[] {
  if (isProfile(value)) return [];

  const result = profileSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map(({ path, code, message }) => ({
    path,
    code,
    message,
  }));
}

/** Describes an issue's location for a log line, without any value. */
export function formatIssuePath(issue: DeliveryIssue): string {
  return issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
}
