import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How much of an oversized body is still read, and dropped, before the 413 goes out. The
 * answer closes the connection; a client still sending at that moment gets a reset and
 * never sees the 413, so a body a little over the limit is read to its end first. Past
 * this much more (or declared so), it is refused at once.
 */
const DRAIN_BYTES = 8 * MAX_BODY_BYTES;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads the body, keeping nothing past the limit (declared or actual). */
export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const tooLarge = () => new BodyTooLargeError(`body over ${limit} bytes`);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit + DRAIN_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | null = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) chunks = null;
      else chunks?.push(chunk);
      if (size > limit + DRAIN_BYTES) {
        request.removeAllListeners('data');
        request.pause();
        reject(tooLarge());
      }
    });
    request.on('end', () => (chunks ? resolve(Buffer.concat(chunks)) : reject(tooLarge())));
    request.on('error', reject);
  });
}
