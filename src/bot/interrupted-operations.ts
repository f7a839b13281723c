import { fleetStatusView } from '../fleet/operations/fleet-status.js';
import type { NodeView } from '../domain/fleet-view.js';
import type { BotContext } from './bot-context.js';

/*
 * A restart or sync that was running when its bot process died: found in the operation
 * journal once that process's heartbeat has lapsed, reported (on the message that started
 * it, or in the ops channel; always in the audit log) with where the nodes are now, and
 * struck off. It is never run again: a person decides, looking at the state it left.
 */

function nodeNow(node: NodeView): string {
  if (!node.reachable) return `${node.name} not answering (${node.error?.kind ?? 'unreachable'})`;
  const gateway = node.gateway?.ready ? 'gateway ready' : 'gateway NOT ready';
  return `${node.name} ${gateway}, tokens ${node.worst === 'ok' ? 'ok' : node.worst}`;
}

export async function reportInterruptedOperations(context: BotContext, post: (content: string) => Promise<string>): Promise<number> {
  if (!context.journal) return 0;
  const leftovers = await context.journal.leftovers();
  if (leftovers.length === 0) return 0;
  const view = await fleetStatusView(context.fleetClient, { nowMs: context.now() }).catch(() => null);
  for (const entry of leftovers) {
    const nodes = view?.nodes.filter((node) => entry.nodes.includes(node.name)) ?? [];
    const now = nodes.length > 0 ? nodes.map(nodeNow).join('; ') : 'unknown (run /tokens status)';
    const started = `started by ${entry.actor.name} <t:${Math.floor(Date.parse(entry.startedAt) / 1000)}:R>`;
    const why = entry.abandoned ? `this ${entry.action} (${entry.target}) stopped on an error (${entry.abandoned.error})` : `the bot stopped while this ${entry.action} (${entry.target}) ran`;
    const text = `💥 Interrupted: ${why}, ${started}. It was not run again. Now: ${now}.`;
    try {
      if (entry.message) {
        const channel = await context.client.channels.fetch(entry.message.channelId);
        if (!channel?.isTextBased()) throw new Error('not a text channel');
        await channel.messages.edit(entry.message.messageId, { content: text, allowedMentions: { parse: [] } });
      } else {
        await post(text);
      }
    } catch (error) {
      // Discord unreachable: keep the entry, the next look reports it.
      context.logger.warn({ operation: entry.action, target: entry.target, err: (error as Error).message }, 'could not report an interrupted operation yet');
      continue;
    }
    await context.audit.record({
      actor: entry.abandoned ? { via: 'scheduler', id: 'bot', name: 'bot' } : { via: 'scheduler', id: 'bot', name: 'bot restart' },
      action: entry.action,
      target: entry.target,
      outcome: 'interrupted',
      detail: `started by ${entry.actor.name} at ${entry.startedAt}; ${entry.abandoned ? `it stopped on an error (${entry.abandoned.error})` : 'the bot stopped before it finished'} and did not run it again. Now: ${now}`,
    });
    await context.journal.end(entry.id);
    context.logger.warn({ operation: entry.action, target: entry.target }, 'reported an operation interrupted by a bot stop');
  }
  return leftovers.length;
}
