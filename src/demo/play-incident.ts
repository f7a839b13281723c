import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, type DiscordStandin } from '../standin/discord/index.js';
import type { InteractionState, RecordedMessage } from '../standin/discord/types.js';
import type { IncidentMarks } from './incident-timings.js';

/*
 * The incident as people in the ops channel live it, through the real bot: the scheduled
 * check has already raised the alarm; alice looks (`/tokens status`), asks for the restart
 * (`/restart t440`), reads the plan and confirms with ✅; the bot syncs first, restarts and
 * verifies; then the alert that is left (an older Codex copy) is cleared with a sync and the
 * bot says so. Each step checks what the channel shows and the demo fails if one does not.
 */

export interface StepResult {
  step: string;
  ok: boolean;
  detail: string;
}

/** A message's words: its content and every embed's title, description and fields. */
export const messageText = (state: { content: string; embeds: { title?: string; description?: string; fields?: { name: string; value: string }[] }[] }) =>
  [state.content, ...state.embeds.flatMap((embed) => [embed.title ?? '', embed.description ?? '', ...(embed.fields ?? []).flatMap((field) => [field.name, field.value])])].join('\n');

export interface IncidentPlay {
  results: StepResult[];
  /** When each part happened, for the timing table; what the agent logged is added by the caller. */
  marks: Omit<IncidentMarks, 'restart' | 'capacityVia'> | null;
}

export async function playIncident(
  discord: DiscordStandin,
  options: {
    timeoutMs?: number;
    /** Run right after the bot reports the recovery (the real run asks OpenClaw itself); its result is a step. */
    afterRecovery?: () => Promise<StepResult>;
  } = {},
): Promise<IncidentPlay> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const results: StepResult[] = [];
  let marks: IncidentPlay['marks'] = null;
  const say = (who: string, content: string) => discord.injectMessage({ content, authorId: who, dispatch: false });
  const check = (step: string, ok: boolean, detail: string) => {
    results.push({ step, ok, detail });
    if (!ok) throw new Error(`demo step "${step}" did not go as expected: ${detail}`);
  };
  const alertFor = (node: string) => (message: RecordedMessage) => message.author.bot && new RegExp(`^(🟡|🔴) \\*\\*${node}\\*\\*`).test(message.content);

  try {
    // 1. Before anyone types: the scheduled check has posted t440's alert.
    const alarm = await discord.waitForMessage(alertFor('t440'), timeoutMs);
    check('scheduled alert', /anthropic:default/.test(alarm.content) && /sync from:pc-a to:t440/.test(alarm.content), alarm.content.split('\n')[0] ?? '');

    // 2. /tokens status
    say(DEFAULT_PLAIN_MEMBER.id, 'agents on t440 are all failing since the restart this morning 😬');
    say(DEFAULT_OPS_MEMBER.id, 'on it, checking tokens');
    const status = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, timeoutMs);
    const statusText = messageText(status);
    // On OpenClaw 2026.9 a migration may have reset the expiry (expires 1) rather than time running out: either is a dead token.
    check('/tokens status', /t440/.test(statusText) && /expired|expiry reset/i.test(statusText) && /pc-a/.test(statusText), `t440 shows its ${/expiry reset/.test(statusText) ? 'reset' : 'expired'} token, pc-a holds fresh ones`);

    // 3. /restart t440: the plan.
    const restart = discord.slash('restart', { options: { node: 't440', raise_capacity: true }, member: DEFAULT_OPS_MEMBER.id });
    const plan = await restart.waitForReply((s) => /React ✅|No-go|❗/.test(s.content), timeoutMs);
    const planText = messageText(plan);
    check(
      '/restart t440 plan',
      /expired|expiry reset/.test(planText) && /sync from pc-a first/.test(planText) && /12/.test(planText) && /React ✅/.test(plan.content),
      `${/expiry reset/.test(planText) ? 'reset' : 'expired'} tokens, the sync-first fix, the reconnect warning (maxConcurrent 4 → 12), waiting for ✅`,
    );
    const planId = plan.original?.id ?? '';
    await discord.waitFor(() => (Object.keys(discord.reactionsOn(planId)).length >= 2 ? true : undefined), timeoutMs, 'the bot to add ✅ and ❌');

    // 4. A member without the ops role cannot confirm; alice can.
    say(DEFAULT_OPS_MEMBER.id, 'plan looks right: sync from pc-a, restart, raise maxConcurrent');
    discord.react(planId, '✅', DEFAULT_PLAIN_MEMBER.id);
    discord.react(planId, '✅', DEFAULT_OPS_MEMBER.id);
    const confirmedAt = Date.now();
    const done = await restart.waitForReply((s) => s.content.length > 0 && !s.content.startsWith('⏳') && !s.content.startsWith('✅ Confirmed by'), timeoutMs);
    const doneText = messageText(done);
    check('✅ and the verified recovery', /ready/i.test(doneText) && !/failed|rolled back|❌/i.test(done.content), done.content.split('\n')[0] ?? '');
    const versions = (discord.messageById(planId)?.history ?? []).map((version) => ({ at: version.at, content: version.content }));
    marks = { alertAt: alarm.createdAt, planAt: versions.find((version) => /React ✅/.test(version.content))?.at ?? confirmedAt, confirmedAt, versions, healthConfirmedAt: null };
    if (options.afterRecovery) {
      const confirmed = await options.afterRecovery();
      check(confirmed.step, confirmed.ok, confirmed.detail);
      marks.healthConfirmedAt = Date.now();
    }

    // 5. The alert cycle: t440's remaining alert (its older Codex copy) is cleared by a sync. On
    // real OpenClaw 2026.9 the restart's own sync already took the Codex copy too (its store
    // migration left that copy without a valid expiry, so the plan fixed it first): then
    // there is nothing left, and the alert is resolved already.
    const codex = /openai(-codex)?:ops@example\.com/;
    const resolvedAll = (message: RecordedMessage) => message.content === '✅ **t440**: all alerts resolved.';
    const next = await discord.waitFor(
      () =>
        discord.channelMessages().find(resolvedAll) ??
        discord.channelMessages().find((message) => alertFor('t440')(message) && codex.test(message.content) && !/anthropic:default/.test(message.content)),
      timeoutMs,
      "t440's alert to drop the synced Anthropic token",
    );
    if (resolvedAll(next)) {
      check('alert resolved by the restart', true, `${next.content} (the restart's sync took every stale copy)`);
    } else {
      check('alert updated after the restart', true, next.content.split('\n')[0] ?? '');
      const sync = await discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, timeoutMs);
      check('/tokens sync from:pc-a to:t440', codex.test(messageText(sync)), 'the Codex copy on t440 replaced by pc-a\'s');
      const resolved = await discord.waitForMessage(resolvedAll, timeoutMs);
      check('alert resolved', true, resolved.content);
    }

    // 6. What happened, from the audit log.
    const audit = await discord.slash('audit', { options: { limit: 10 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s: InteractionState) => s.embeds.length > 0, timeoutMs);
    const auditText = messageText(audit);
    check('/audit', /restart/.test(auditText) && /sync/.test(auditText), 'the restart and the syncs, by ops-alice');
    say(DEFAULT_PLAIN_MEMBER.id, 'agents are answering again 🎉');
  } catch (error) {
    if (!results.some((result) => !result.ok)) results.push({ step: 'next step', ok: false, detail: (error as Error).message });
  }
  return { results, marks };
}
