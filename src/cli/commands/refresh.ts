import { auditedRefresh, failedRefreshes, syncAfterRefresh } from '../../fleet/operations/audited-refresh.js';
import { syncOutcome } from '../../fleet/operations/sync-report.js';
import type { CliCommand } from '../cli-command.js';
import { nodeOrAll, profileIds } from '../command-arguments.js';
import type { RefreshJson } from '../json/output-shapes.js';
import { refreshResultsToJson, syncReportToJson } from '../json/to-json.js';
import { parseArguments } from '../parse-arguments.js';
import { plainMessage } from '../render/plain-message.js';
import { renderRefreshText } from '../render/refresh-text.js';
import { renderSyncText } from '../render/sync-text.js';

export const refreshCommand: CliCommand = {
  name: 'refresh',
  summary: "refresh on the account's owner node, then sync the result to the others",
  help: `usage: tokenops refresh <node> [--profile <id>] [--json]

Runs the refresh-token grant on <node>, which must be the profile's owner (the fleet
file's "owners"): providers rotate refresh tokens, so a second node refreshing the same
account would spend the owner's. Without --profile, every OAuth account <node> owns.
The new credentials then go to every other node holding them. Audited.

exit 0  refreshed (and synced)
exit 1  refused (e.g. <node> is not the owner), a refresh failed (a terminal one needs
        a new login on the owner), or the follow-up sync failed somewhere
exit 2  unknown node or option`,

  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options: { profile: { type: 'string' } }, required: ['node'] });
    const [node = ''] = positionals;
    const profile = profileIds(values.profile === undefined ? undefined : [values.profile])?.[0];
    nodeOrAll(context.fleetClient(), node, false);
    const operations = await context.operations();
    const nowMs = context.nowMs();
    context.progress(`refreshing ${profile ?? 'the accounts it owns'} on ${node}…`);
    const response = await auditedRefresh(operations, context.actor, { node, ...(profile ? { profile } : {}) });
    const followerSync = await syncAfterRefresh(operations, context.actor, node, response, {
      onTargetDone: (result) => context.progress(`sync ${node} → ${result.node}: ${result.ok ? 'done' : `failed: ${plainMessage(result.error.message, nowMs)}`}`),
    });
    const synced = followerSync?.targets.filter((target) => target.ok).length ?? 0;
    if (followerSync) context.progress(`synced the new credentials to ${synced} of ${followerSync.targets.length} other node${followerSync.targets.length === 1 ? '' : 's'}`);
    const syncFine = !followerSync || syncOutcome(followerSync) === 'ok';
    const json: RefreshJson = {
      ok: failedRefreshes(response).length === 0 && syncFine,
      command: 'refresh',
      node,
      results: refreshResultsToJson(response),
      followerSync: followerSync ? syncReportToJson(followerSync) : null,
    };
    const text = [renderRefreshText(response, node, nowMs), ...(followerSync ? ['', renderSyncText(followerSync, nowMs)] : [])].join('\n');
    return { json, text };
  },
};
