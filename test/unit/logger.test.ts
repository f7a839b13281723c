import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('test', 'info', stream as never) };
}

test('secret fields are censored at any depth the agent logs', () => {
  const { lines, logger } = capture();
  logger.info(
    {
      access: 'top-access-secret',
      profile: { refresh: 'nested-refresh-secret', token: 'nested-token-secret', provider: 'anthropic' },
      store: { profile: { key: 'deep-key-secret', email: 'ops@example.com' } },
      bundle: { sealed: { ciphertext: 'opaque' }, x: { y: { access: 'four-deep-secret' } } },
      env: { TOKENOPS_AGENT_KEY: 'env-key-secret' },
    },
    'message',
  );
  const text = lines.join('');
  for (const secret of ['top-access-secret', 'nested-refresh-secret', 'nested-token-secret', 'deep-key-secret', 'four-deep-secret', 'env-key-secret', 'opaque']) {
    expect(text).not.toContain(secret);
  }
  // What is not secret stays readable.
  expect(text).toContain('anthropic');
  expect(text).toContain('ops@example.com');
  expect(text).toContain('[redacted]');
});
