import type { CliCommand } from '../cli-command.js';
import type { AuditJson } from '../json/output-shapes.js';
import { parseArguments, wholeNumber } from '../parse-arguments.js';
import { renderAuditText } from '../render/audit-text.js';

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: "the latest audited actions, the bot's and the CLI's",
  help: `usage: tokenops audit [--limit <n>] [--json]

The audit log the bot keeps (TOKENOPS_STATE), newest first: who (a Discord member, cli:<user>
or a scheduled job), what, when, the outcome. Needs no fleet file and asks no agent.

  --limit <n>  how many records (default 20, at most 1000)

exit 0  shown
exit 2  bad option, or the state store cannot be opened`,

  async run(argv, context) {
    const { values } = parseArguments(argv, { options: { limit: { type: 'string' } } });
    const limit = values.limit === undefined ? 20 : wholeNumber('limit', values.limit, 1, 1000);
    const records = await (await context.audit()).latest(limit);
    const location = context.auditLocation;
    const json: AuditJson = { ok: true, command: 'audit', location, records };
    return { json, text: renderAuditText(records, location, context.nowMs()) };
  },
};
