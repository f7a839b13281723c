import { pino, type Logger, type LoggerOptions } from 'pino';
import { SECRET_FIELDS } from '../domain/profile.js';

export type { Logger };

/*
 * Secret fields are censored at any depth pino can address cheaply (up to three levels
 * under the log object). Code should never log a credential at all; this is the net under
 * that rule, and the test suite scans every log line for the values it planted.
 */
const SECRET_KEYS = [...SECRET_FIELDS, 'refreshToken', 'accessToken', 'refresh_token', 'access_token', 'authorization', 'nodeKey', 'sealed', 'ciphertext', 'fields'];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    paths.push(key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`);
  }
  paths.push('req.headers["x-tokenops-signature"]', 'DISCORD_TOKEN', '*.DISCORD_TOKEN', 'TOKENOPS_AGENT_KEY', '*.TOKENOPS_AGENT_KEY');
  return paths;
}

export function createLogger(name: string, level: LoggerOptions['level'] = 'info', destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: redactPaths(), censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
