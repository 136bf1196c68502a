import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpResult {
  status: number;
  body: string;
  milliseconds: number;
}

/** Why a request got no answer; `message` is meant for the terminal. */
export class UnreachableError extends Error {}

/**
 * POSTs bytes and reads the answer. Uses node:http rather than fetch so that
 * an answer sent before the whole body was written (a 413 from the headers)
 * is still read instead of surfacing as a broken pipe.
 */
export function postBytes(
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpResult> {
  const started = process.hrtime.bigint();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    let answered = false;
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
      timeout: timeoutMs,
    });

    req.on('response', (res: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          milliseconds,
        });
      });
      res.on('error', (error) =>
        reject(new UnreachableError(describeNetworkError(url, error))),
      );
    });
    req.on('timeout', () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (error) => {
      // The receiver may close the connection after answering early.
      if (!answered)
        reject(new UnreachableError(describeNetworkError(url, error)));
    });
    req.end(body);
  });
}

function describeNetworkError(url: URL, error: Error): string {
  const code = (error as { code?: string }).code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'nothing is listening there',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name could not be resolved right now',
    ECONNRESET: 'the connection was reset',
    EPIPE: 'the receiver closed the connection',
  };
  const reason = (code && reasons[code]) ?? error.message;
  return `Could not reach ${url.origin}: ${reason}.`;
}
