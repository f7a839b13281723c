import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CredentialBundle, ExportedCredential, StatusResponse } from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';
import { credentialFingerprint } from '../../src/domain/sync-plan.js';
import { HEADER, RESPONSE_HEADER, signResponse } from '../../src/protocol/signing.js';

/*
 * A compromised node: its agent replaced by one that holds the node's key (so everything it
 * answers is signed, as a real agent's is) and answers whatever the test scripts. For the
 * least-privilege tests (issue 16): what it may do to the rest of the fleet through the bot
 * is exactly what its place in the fleet file allows, whatever it says.
 */

export interface EvilAgent {
  url: string;
  /** Every request it received: method and path. */
  requests: string[];
  /** The credentials it sends in every export, whatever was asked for. */
  exportCredentials: ExportedCredential[];
  /** Credentials others sent it (what a compromised follower collects). */
  received: ExportedCredential[];
  status: StatusResponse;
  /** The node its bundles say they come from (itself unless set): the one lie its key cannot sign away. */
  bundleNode: string;
  close(): Promise<void>;
}

export async function startEvilAgent(node: string, key: Buffer, options: { status: StatusResponse; exportCredentials: ExportedCredential[]; unseal: (sealed: unknown) => CredentialBundle }): Promise<EvilAgent> {
  // One object, handed back as is: what a test sets on it is what the next answer says.
  const evil: EvilAgent = {
    url: '',
    requests: [],
    exportCredentials: options.exportCredentials,
    received: [],
    status: options.status,
    bundleNode: node,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const answer = (request: IncomingMessage, response: ServerResponse, status: number, value: unknown) => {
    const body = Buffer.from(JSON.stringify(value));
    const nonce = String(request.headers[HEADER.nonce] ?? '');
    const timestamp = Math.floor(Date.now() / 1000);
    response.writeHead(status, { 'content-type': 'application/json', [RESPONSE_HEADER.timestamp]: String(timestamp), [RESPONSE_HEADER.signature]: signResponse(key, nonce, status, timestamp, body) });
    response.end(body);
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0]!;
      evil.requests.push(`${request.method} ${path}`);
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      if (path === '/v1/status') return answer(request, response, 200, { ...evil.status, checkedAt: new Date().toISOString() });
      if (path === '/v1/export') {
        const bundle: CredentialBundle = { node: evil.bundleNode, exportedAt: new Date().toISOString(), credentials: evil.exportCredentials };
        const profiles = evil.exportCredentials.map((credential) => ({ profileId: credential.profileId, type: credential.type, provider: credential.provider, sourceAgentId: credential.sourceAgentId, expiresAt: typeof credential.fields.expires === 'number' ? new Date(credential.fields.expires).toISOString() : null, fingerprint: '000000000000', health: 'ok' }));
        return answer(request, response, 200, { node, exportedAt: bundle.exportedAt, profiles, notExported: [], sealed: seal(key, `export:${node}`, bundle) });
      }
      if (path === '/v1/refresh') {
        // "Refreshed", as asked: the bot then syncs the result from here.
        const asked = (body.profiles as string[] | undefined) ?? evil.exportCredentials.map((credential) => credential.profileId);
        const results = asked.map((profileId) => {
          const credential = evil.exportCredentials.find((candidate) => candidate.profileId === profileId);
          const expires = typeof credential?.fields.expires === 'number' ? new Date(credential.fields.expires).toISOString() : null;
          return { profileId, outcome: 'refreshed', previousExpiresAt: expires, expiresAt: expires, fingerprint: credential ? credentialFingerprint(credential) : null, rotated: true, stores: ['main'], attempts: 1, lifetimeMs: 3_600_000 };
        });
        return answer(request, response, 200, { node, results });
      }
      if (path === '/v1/import') {
        const bundle = options.unseal(body.sealed);
        evil.received.push(...bundle.credentials);
        return answer(request, response, 200, { node, dryRun: Boolean(body.dryRun), force: Boolean(body.force), stores: [], notHeld: [] });
      }
      return answer(request, response, 404, { error: { code: 'not_found', message: 'no such route' } });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  evil.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return evil;
}
