import { randomBytes } from 'node:crypto';
import { SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { hasOpsRole, inOpsGuild } from '../src/bot/preconditions.js';
import { LIMITS, wholeLines } from '../src/bot/render/discord-format.js';
import { scrub } from '../src/domain/scrub-secrets.js';
import { durationSchema } from '../src/config/duration.js';
import { isSilenced } from '../src/domain/alerts.js';
import { profileIdSchema } from '../src/domain/profile.js';
import { OperationRefusedError } from '../src/fleet/operation-refused.js';

/** A silence target: a node of the fleet, or `node/profile`. */
function checkTarget(target: string, nodes: readonly string[]): string {
  const [node, profile, extra] = target.split('/');
  if (!node || extra !== undefined || !nodes.includes(node) || (profile !== undefined && !profileIdSchema.safeParse(profile).success)) {
    throw new OperationRefusedError(`"${target}" is not a target: use a node (${nodes.join(', ')}) or node/profile, e.g. t440/anthropic:default.`);
  }
  return target;
}

/** `/alerts list|silence|unsilence`: what is active (anyone), and silences (ops role). */
const alerts: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('alerts')
    .setDescription('Active alerts and silences')
    .setDMPermission(false)
    .addSubcommand((sub) => sub.setName('list').setDescription('Active alerts per node, and silences'))
    .addSubcommand((sub) =>
      sub
        .setName('silence')
        .setDescription('Stop posting alerts for a node or node/profile for a while')
        .addStringOption((option) => option.setName('target').setDescription('node or node/profile').setRequired(true).setMaxLength(320))
        .addStringOption((option) => option.setName('duration').setDescription('e.g. 2h, 30m, 1d').setRequired(true).setMaxLength(16)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('unsilence')
        .setDescription('End a silence')
        .addStringOption((option) => option.setName('target').setDescription('node or node/profile').setRequired(true).setMaxLength(320)),
    ),
  preconditions: [inOpsGuild],
  subcommandPreconditions: { silence: [hasOpsRole], unsilence: [hasOpsRole] },

  async execute(interaction, context) {
    const sub = interaction.options.getSubcommand(true);
    const nowMs = context.now();
    const actor = { via: 'discord' as const, id: interaction.user.id, name: interaction.user.username };
    if (sub === 'list') {
      const silences = await context.alertStore.silences(nowMs);
      const lines: string[] = [];
      for (const node of context.fleet.nodes) {
        const state = await context.alertStore.node(node.name);
        for (const alert of state.alerts) {
          const marks = [alert.pending ? 'pending' : '', isSilenced(alert, silences, nowMs) ? '🔕 silenced' : ''].filter(Boolean).join(', ');
          lines.push(`${alert.severity === 'critical' ? '❌' : '⚠️'} **${node.name}** ${scrub(alert.summary)} · since <t:${Math.floor(alert.since / 1000)}:R>${marks ? ` · ${marks}` : ''}`);
        }
      }
      const silenceLines = silences.map((silence) => `🔕 ${silence.target} until <t:${Math.floor(silence.until / 1000)}:R> (by ${silence.by})`);
      const text = [lines.length > 0 ? '**Active alerts**' : '✅ No active alerts.', ...lines, ...(silenceLines.length > 0 ? ['**Silences**', ...silenceLines] : [])];
      await interaction.editReply({ content: wholeLines(text, LIMITS.content) });
      return;
    }
    const target = checkTarget(interaction.options.getString('target', true), context.fleetClient.nodeNames);
    if (sub === 'silence') {
      const parsed = durationSchema.safeParse(interaction.options.getString('duration', true));
      if (!parsed.success || parsed.data > 30 * 86_400_000) throw new OperationRefusedError('duration: use a duration such as 30m, 2h or 1d (at most 30d).');
      const until = nowMs + parsed.data;
      await context.alertStore.addSilence({ id: randomBytes(4).toString('hex'), target, until, by: interaction.user.username, createdAt: nowMs }, nowMs);
      await context.audit.record({ actor, action: 'alerts silence', target, outcome: 'ok', detail: `until ${new Date(until).toISOString()}` });
      await interaction.editReply({ content: `🔕 Alerts for ${target} silenced until <t:${Math.floor(until / 1000)}:f> (<t:${Math.floor(until / 1000)}:R>). They are still tracked and listed.` });
      return;
    }
    const removed = await context.alertStore.removeSilence(target, nowMs);
    await context.audit.record({ actor, action: 'alerts unsilence', target, outcome: removed > 0 ? 'ok' : 'refused', detail: removed > 0 ? 'silence ended' : 'no silence on that target' });
    await interaction.editReply({ content: removed > 0 ? `🔔 Silence on ${target} ended.` : `There is no silence on ${target}.` });
  },
};

export default alerts;
