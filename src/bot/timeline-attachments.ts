import type { AttachmentBuilder } from 'discord.js';
import { fleetStatusView } from '../fleet/operations/fleet-status.js';
import { ownerNodes } from '../domain/ownership.js';
import { pictureThresholds, picturesConcerning } from '../timeline/timeline-picture.js';
import type { BotContext } from './bot-context.js';
import { attachmentOf } from './ops-channel.js';

/**
 * The small expiry timeline for the nodes a message is about (a restart plan), as Discord
 * attachments. Empty when it cannot be drawn: the plan goes out without its picture, never
 * held up or failed by it (the reason is logged).
 */
export async function timelineAttachments(context: Pick<BotContext, 'fleetClient' | 'fleet' | 'audit' | 'logger' | 'now' | 'renewals'>, nodes: readonly string[]): Promise<AttachmentBuilder[]> {
  const nowMs = context.now();
  let view;
  try {
    // The nodes and the owners the fleet file names: their accounts' fixes come from there.
    view = await fleetStatusView(context.fleetClient, { nowMs, renewals: context.renewals, among: [...new Set([...nodes, ...ownerNodes(context.fleet.owners)])] });
  } catch (error) {
    context.logger.warn({ nodes, err: (error as Error).message }, 'expiry timeline picture not rendered; posting without it');
    return [];
  }
  const files = await picturesConcerning(view, nodes, { audit: context.audit, thresholds: pictureThresholds(context.fleet.alerts) }, { nowMs, logger: context.logger });
  return files.map(attachmentOf);
}
