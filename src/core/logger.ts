/**
 * Where warnings and errors go. `console` fits; so does pino, winston or any
 * object with these two methods. Messages never hold secrets, signatures or
 * profile data.
 */
export interface RocketReachLogger {
  warn(message: string): void;
  error(message: string): void;
}

const silent: RocketReachLogger = { warn() {}, error() {} };

/** Resolves the `logger` option: `false` silences, absence means `console`. */
export function resolveLogger(
  logger: RocketReachLogger | false | undefined,
): RocketReachLogger {
  if (logger === false) return silent;
  return logger ?? console;
}
