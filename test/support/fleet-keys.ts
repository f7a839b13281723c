import { AgentClient } from '../../src/fleet/agent-client.js';
import { exportResponseSchema, type CredentialBundle, type ImportResponse } from '../../src/protocol/agent-api.js';
import { seal, unseal } from '../../src/protocol/sealing.js';

/** Export from one agent and import into another, as the fleet does: unseal, re-seal. */
export async function transfer(
  from: { client: AgentClient; key: Buffer; node: string },
  to: { client: AgentClient; key: Buffer; node: string },
  options: { profiles?: string[]; dryRun?: boolean; force?: boolean; mutate?: (bundle: CredentialBundle) => CredentialBundle } = {},
): Promise<ImportResponse> {
  const exported = exportResponseSchema.parse(await from.client.request('POST', '/v1/export', options.profiles ? { profiles: options.profiles } : {}));
  let bundle = unseal(from.key, `export:${from.node}`, exported.sealed) as CredentialBundle;
  if (options.mutate) bundle = options.mutate(bundle);
  const sealed = seal(to.key, `import:${to.node}`, bundle);
  return (await to.client.request('POST', '/v1/import', { sealed, dryRun: options.dryRun ?? false, force: options.force ?? false }, 10_000)) as ImportResponse;
}
