import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long a connection refused with its body unread stays half-open after
 * the answer, taking in and throwing away what the sender still writes.
 */
export const LINGER_MS = 500;

/**
 * Lets the sender of a refused request read the answer before the
 * connection goes.
 *
 * A refusal sent before the body was read (`body.too_large` from the
 * headers, or a limit crossed part-way) carries `Connection: close`, and
 * Node's HTTP server destroys the socket as soon as the answer is flushed.
 * The body the sender is still writing then lands on a closed socket, the
 * kernel answers it with a TCP reset, and a sender that has not yet read
 * the answer sees only "connection reset" instead of the 413. So, for this
 * connection only, the close becomes: send the answer and a FIN, discard
 * what still arrives until the sender closes its side or `LINGER_MS` pass,
 * then close.
 *
 * note: this replaces the socket's own `destroySoon`, the method Node's
 * server calls to close a `Connection: close` connection. Where a socket has
 * no such method (another server, a test double) nothing changes, and the
 * socket closes as it always did.
 */
export function lingerBeforeClose(req: IncomingMessage): void {
  const socket = req.socket as Socket | null;
  if (!socket || typeof socket.destroySoon !== 'function') return;

  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.destroyed) return;
    if (this.writable) this.end();

    // the rest of the body is read only to be dropped
    req.resume();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('end', () => this.destroy());
    this.once('close', () => clearTimeout(timer));
  };
}
