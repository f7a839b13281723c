import { OAuth2Server } from 'oauth2-mock-server';

/*
 * A real OAuth 2.0 server on loopback (oauth2-mock-server), taught what Anthropic's and
 * OpenAI Codex's servers do with refresh tokens: single use. Each grant returns a new
 * refresh token; presenting a used one answers `invalid_grant` / `refresh_token_reused`
 * (and, like those providers, revokes the family: its later tokens stop working too). A
 * refresh token it never issued (a node's dead copy) is `invalid_grant` too. The renewal
 * tests and the demo's renewal run against it; oauth2-mock-server is a dev dependency, as
 * the demo is a tool of the checkout.
 */
export interface RotatingOAuthServer {
  tokenUrl: string;
  /** Makes a refresh token known to the server, as a login would. */
  issue(refreshToken: string): void;
  /** How many refresh grants were asked for, answered or not. */
  readonly grants: number;
  readonly reuses: number;
  /** Grants asked for per `client_id` (give each node its own to see who asked). */
  readonly grantsByClient: ReadonlyMap<string, number>;
  /** Every refresh token presented, in order (a reuse shows twice). */
  readonly presented: readonly string[];
  /** Revokes every token family, as a provider does when a login is withdrawn: the next refresh answers invalid_grant. */
  revokeAll(): void;
  /** Access token lifetime in seconds for the next grants. */
  setLifetime(seconds: number): void;
  /**
   * The next refresh grant is carried out (its refresh token spent, the new one issued) but
   * answered `delayMs` later, as a slow provider does: the caller's request stays in flight.
   * Resolves when that grant has been received.
   */
  slowNextGrant(delayMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** `onSecret` hears every token it hands out (a test plants them for its secret scans; the demo looks for them in its logs). */
export async function startOAuthServer(options: { onSecret?: (value: string) => void } = {}): Promise<RotatingOAuthServer> {
  const onSecret = options.onSecret ?? (() => undefined);
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const live = new Map<string, string>(); // refresh token → family
  const used = new Map<string, string>();
  const revoked = new Set<string>();
  let grants = 0;
  let reuses = 0;
  const grantsByClient = new Map<string, number>();
  const presented: string[] = [];
  let lifetime = 8 * 3600;
  let families = 0;
  let slow: { delayMs: number; received: () => void } | undefined;

  server.service.on('beforeResponse', (response: { body: Record<string, unknown>; statusCode: number }, req: { body?: Record<string, string>; res?: { json(body: unknown): unknown } }) => {
    if (req.body?.grant_type !== 'refresh_token') return;
    grants++;
    if (slow && req.res) {
      // The grant below is done now; only its answer waits (express answers with res.json after this hook).
      const { delayMs, received } = slow;
      slow = undefined;
      const res = req.res;
      const answer = res.json.bind(res);
      res.json = (body: unknown) => {
        setTimeout(() => answer(body), delayMs);
        return res;
      };
      received();
    }
    const client = req.body.client_id ?? '';
    grantsByClient.set(client, (grantsByClient.get(client) ?? 0) + 1);
    const token = req.body.refresh_token ?? '';
    presented.push(token);
    const family = live.get(token);
    if (!family || revoked.has(family)) {
      const reusedFamily = used.get(token);
      if (reusedFamily) {
        reuses++;
        revoked.add(reusedFamily);
      }
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: reusedFamily ? `refresh_token_reused: ${token}` : 'unknown refresh token' };
      return;
    }
    live.delete(token);
    used.set(token, family);
    const next = `rt-rotated-${families}-${grants}-${Math.random().toString(36).slice(2)}`;
    live.set(next, family);
    onSecret(next);
    onSecret(String(response.body.access_token));
    response.body = { ...response.body, refresh_token: next, expires_in: lifetime };
  });

  return {
    tokenUrl: `${server.issuer.url}/token`,
    issue(refreshToken) {
      live.set(refreshToken, `family-${families++}`);
    },
    get grants() {
      return grants;
    },
    get reuses() {
      return reuses;
    },
    get grantsByClient() {
      return grantsByClient;
    },
    get presented() {
      return presented;
    },
    revokeAll() {
      for (const family of live.values()) revoked.add(family);
    },
    setLifetime(seconds) {
      lifetime = seconds;
    },
    slowNextGrant(delayMs) {
      return new Promise<void>((received) => {
        slow = { delayMs, received };
      });
    },
    stop: () => server.stop(),
  };
}
