import { httpExchange, HttpExchangeError } from '../net/http-exchange.js';
import { TOKENOPS_VERSION } from '../runtime/version.js';

/*
 * The few Discord REST reads the doctor makes, with the bot's token, and nothing else: no
 * discord.js (a check run needs no gateway and no cache). Failures come back as values; the
 * token never appears in one.
 */

export type DiscordRead = { ok: true; status: number; body: unknown } | { ok: false; status: number | null; message: string; code?: number };

export class DiscordRest {
  constructor(
    private readonly apiBase: string,
    private readonly token: string,
  ) {}

  async get(route: string): Promise<DiscordRead> {
    try {
      const answer = await httpExchange(`${this.apiBase.replace(/\/+$/, '')}/v10${route}`, {
        headers: { authorization: `Bot ${this.token}`, 'user-agent': `DiscordBot (https://github.com/tokenops, ${TOKENOPS_VERSION})`, accept: 'application/json' },
        timeoutMs: 10_000,
        maxBytes: 4 * 1024 * 1024,
      });
      const body = answer.body === 'too_large' ? null : parseJson(answer.body.toString('utf8'));
      if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, body };
      const error = body as { message?: unknown; code?: unknown } | null;
      return { ok: false, status: answer.status, message: typeof error?.message === 'string' ? error.message.replaceAll(this.token, '[token]') : `HTTP ${answer.status}`, ...(typeof error?.code === 'number' ? { code: error.code } : {}) };
    } catch (error) {
      return { ok: false, status: null, message: error instanceof HttpExchangeError ? `Discord did not answer (${error.message})` : `Discord could not be asked (${(error as Error).message.replaceAll(this.token, '[token]')})` };
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
