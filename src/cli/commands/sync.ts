import { auditedSync } from '../../fleet/operations/audited-sync.js';
import { syncOutcome, updatedProfiles } from '../../fleet/operations/sync-report.js';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../cli-errors.js';
import { nodeOrAll, profileIds } from '../command-arguments.js';
import type { SyncJson } from '../json/output-shapes.js';
import { syncReportToJson } from '../json/to-json.js';
import { parseArguments } from '../parse-arguments.js';
import { plainMessage } from '../render/plain-message.js';
import { renderSyncText } from '../render/sync-text.js';

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'copy valid credentials from one node to another, or to all',
  help: `usage: tokenops sync <from> <to|all> [--profile <id>]... [--dry-run] [--json]

Copies the credentials <from> holds (only valid ones) into every agent store on <to> that
holds the same profile; newer wins, so a target never gets an older token. Each target
takes OpenClaw's lock, keeps a backup and writes atomically. Audited.

  --profile <id>  only this profile (repeatable), e.g. anthropic:default
  --dry-run       show the per-profile plan, write nothing

exit 0  synced (or planned)
exit 1  refused (e.g. the source's tokens are expired), or a target failed
exit 2  unknown node or option`,

  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, {
      options: { profile: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' } },
      required: ['from', 'to'],
    });
    const [from = '', to = ''] = positionals;
    const profiles = profileIds(values.profile);
    const fleet = context.fleetClient();
    nodeOrAll(fleet, from, false);
    if (to === from) throw new UsageError(`<from> and <to> are the same node (${from}): nothing to copy`);
    const targets = nodeOrAll(fleet, to, true).filter((node) => node !== from);
    const nowMs = context.nowMs();
    let done = 0;
    if (targets.length > 1) context.progress(`sync ${from} → ${targets.length} nodes: exporting from ${from}…`);
    const report = await auditedSync(await context.operations(), context.actor, {
      from,
      to,
      ...(profiles ? { profiles } : {}),
      dryRun: values['dry-run'] ?? false,
      // One line per target as it answers: a sync to many nodes takes a while.
      onTargetDone: (result) => {
        if (targets.length < 2) return;
        done++;
        const what = result.ok ? `${values['dry-run'] ? 'would update' : 'updated'} ${updatedProfiles(result.value).join(', ') || 'nothing'}` : `failed: ${plainMessage(result.error.message, nowMs)}`;
        context.progress(`sync ${from} → ${result.node}: ${what} (${done}/${targets.length})`);
      },
    });
    const outcome = syncOutcome(report);
    const json: SyncJson = { ok: outcome === 'ok' || outcome === 'planned', command: 'sync', to, ...syncReportToJson(report) };
    return { json, text: renderSyncText(report, nowMs) };
  },
};
