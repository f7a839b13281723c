import { z } from 'zod';

/** `host:port`, `[::1]:port` or `:port` (all interfaces is never the default: say it). */
export const listenAddressSchema = z.string().trim().transform((text, ctx) => {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port, e.g. 127.0.0.1:7420' });
    return z.NEVER;
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
});
export type ListenAddress = z.infer<typeof listenAddressSchema>;
