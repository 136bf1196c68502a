import createDebug from 'debug';

/** Diagnostics for the Node adapters, enabled with `DEBUG=rocketreach-webhooks`. */
export const debug = createDebug('rocketreach-webhooks');
