import { SlashCommandBuilder, type ChatInputCommandInteraction, type APIEmbed, type Message } from 'discord.js';
import type { BotContext } from '../src/bot/bot-context.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { CANCEL_EMOJI, CONFIRM_EMOJI, watchConfirmation, type ConfirmationWatch } from '../src/bot/confirmation.js';
import { respondWithNodes } from '../src/bot/node-autocomplete.js';
import { botCanTakeConfirmation, hasOpsRole, inOpsGuild, isOpsMember } from '../src/bot/preconditions.js';
import { LIMITS, truncate } from '../src/bot/render/discord-format.js';
import { renderRestartPlan, renderRestartResult } from '../src/bot/render/restart-plan.js';
import { OperationMessage } from '../src/bot/operation-message.js';
import { timelineAttachments } from '../src/bot/timeline-attachments.js';
import { formatDuration } from '../src/config/duration.js';
import type { RestartPlan } from '../src/domain/restart-plan.js';
import { confirmedRestart, restartFailureSummary } from '../src/fleet/operations/confirmed-restart.js';
import { noGoPlans } from '../src/fleet/operations/restart-audit.js';
import type { AuditActor } from '../src/state/audit-log.js';

/*
 * `/restart <node|all> [force] [raise_capacity]`: the plan first (token check, fixes,
 * blast radius, steps), then ✅/❌ on it; only a ✅ from an ops member runs it; ❌ or the
 * timeout cancel, and the message always ends saying which. `all` is a rolling restart,
 * one node at a time, one confirmation, stopping at the first failure.
 */

async function run(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const target = interaction.options.getString('node', true);
  const nodes = target === 'all' ? context.fleetClient.nodeNames : [context.fleetClient.node(target).name];
  const actor: AuditActor = { via: 'discord', id: interaction.user.id, name: interaction.user.username };
  let embeds: APIEmbed[] = [];
  let message: Message | undefined;
  let watch: ConfirmationWatch | undefined;
  const shown = new OperationMessage(interaction, context.logger);
  // Later edits leave the attachments alone: the picture stays on the plan to the end.
  const show = async (plans: readonly RestartPlan[], content: string) => {
    embeds = plans.slice(0, LIMITS.embedsPerMessage).map(renderRestartPlan);
    // The decision is made looking at the tokens' timeline.
    await interaction.editReply({ content, embeds, files: await timelineAttachments(context, nodes) });
  };
  // Best-effort: a progress or outcome edit that Discord refuses never stops the restart.
  const edit = async (content: string, extra: APIEmbed[] = []) => void (await shown.edit({ content: truncate(content, LIMITS.content), embeds: [...extra, ...embeds].slice(0, LIMITS.embedsPerMessage) }));

  const done = await confirmedRestart(
    context,
    { target, nodes, force: interaction.options.getBoolean('force') ?? false, raiseCapacity: interaction.options.getBoolean('raise_capacity') ?? false, actor },
    {
      showNoGo: (plans) => show(plans, `⛔ No-go for ${noGoPlans(plans).map((plan) => plan.node).join(', ')}: nothing to confirm. Nothing was done.`),
      offer: async (plans) => {
        // Written down before anyone can see the ✅ prompt, so that whoever finds it after this
        // process is gone expires it (src/bot/pending-plan-expiry.ts); the deferred reply already has its id.
        message = await shown.attach();
        await context.pendingPlans.add({ messageId: message.id, channelId: message.channelId, nodes: [...nodes], requestedBy: { id: actor.id, name: actor.name }, createdAt: new Date().toISOString(), ...(context.journal ? { owner: context.journal.owner } : {}) });
        // Watching before the prompt shows: a ✅ made the moment it appears must count.
        const plan = message;
        watch = watchConfirmation(context.client, {
          message: { id: plan.id, channelId: plan.channelId, guildId: context.env.DISCORD_GUILD_ID },
          timeoutMs: context.env.CONFIRM_TIMEOUT,
          isOps: (roles) => isOpsMember(roles, context),
          allowConfirm: true,
          onIgnored: (userId, emoji) => context.logger.info({ userId, emoji, messageId: plan.id }, 'reaction ignored (not an ops member, or not ✅/❌)'),
          onScanFailed: (error) => context.logger.warn({ messageId: plan.id, err: error.message }, "could not read the plan's reactions; looking again at the next reconnect or the deadline"),
        });
        const expiresAt = Math.floor((Date.now() + context.env.CONFIRM_TIMEOUT) / 1000);
        await show(plans, `⏳ ${nodes.length > 1 ? `Rolling restart of ${nodes.length} nodes, one at a time. ` : ''}React ${CONFIRM_EMOJI} to run it (ops role), ${CANCEL_EMOJI} to cancel. Expires <t:${expiresAt}:R>.`);
        return { channelId: plan.channelId, messageId: plan.id };
      },
      answer: async () => {
        const plan = message!;
        await plan.react(CONFIRM_EMOJI);
        await plan.react(CANCEL_EMOJI);
        const answer = await watch!.answer;
        // Gone already: the leader judged this replica dead (a heartbeat that lapsed, e.g. in a
        // Redis outage) and told the channel the plan expired. That word stands: a ✅ now runs nothing.
        const stillPending = await context.pendingPlans.remove(plan.id);
        if (!stillPending) return { result: 'expired' };
        return answer.result === 'expired' ? answer : { result: answer.result, by: { via: 'discord', id: answer.by.id, name: answer.by.name } };
      },
      progress: async (node, index, step, by) => {
        await edit(`${CONFIRM_EMOJI} Confirmed by ${by.name}. ${nodes.length > 1 ? `(${index + 1}/${nodes.length}) ` : ''}${node}: ${step}`);
      },
    },
  );
  switch (done.outcome) {
    case 'no_go':
      return;
    case 'expired':
      await edit(`⌛ Expired: no ${CONFIRM_EMOJI} from an ops member within ${formatDuration(context.env.CONFIRM_TIMEOUT)}. Nothing was done.`);
      return;
    case 'cancelled':
      await edit(`${CANCEL_EMOJI} Cancelled by ${done.by.name}. Nothing was done.`);
      return;
    default: {
      const failure = restartFailureSummary(done.results, done.untouched);
      await edit(failure ? `❌ ${failure}` : `✅ ${done.results.map((execution) => `${execution.node} ready`).join(', ')}. Confirmed by ${done.by.name}.`, done.results.map(renderRestartResult));
    }
  }
}

const restart: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('restart')
    .setDescription('Restart a gateway safely: plan, confirm with a reaction, verify')
    .setDMPermission(false)
    .addStringOption((option) => option.setName('node').setDescription('The node, or all for a rolling restart').setAutocomplete(true).setRequired(true).setMaxLength(63))
    .addBooleanOption((option) => option.setName('force').setDescription('Restart even when the token check says no-go'))
    .addBooleanOption((option) => option.setName('raise_capacity').setDescription('Raise maxConcurrent to the suggested value first')),
  preconditions: [inOpsGuild, hasOpsRole, botCanTakeConfirmation],
  execute: run,
  async autocomplete(interaction, context) {
    await respondWithNodes(interaction, context, { includeAll: true });
  },
};

export default restart;
