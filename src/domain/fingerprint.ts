import { createHash } from 'node:crypto';

/**
 * A short, stable identifier of a credential's secret, so nodes can be compared ("same
 * token?") without either side showing it. 48 bits of a domain-separated SHA-256 of a
 * high-entropy token reveal nothing usable about it.
 */
export function fingerprint(type: string, secret: string): string {
  return createHash('sha256').update(`tokenops-fingerprint\0${type}\0${secret}`).digest('hex').slice(0, 12);
}
