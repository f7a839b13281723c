import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fleetFileSchema } from '../../../src/config/fleet-file.js';
import { activeAlertSchema, type ActiveAlert } from '../../../src/domain/alerts.js';
import { documentedMetrics } from '../../support/prometheus.js';

/*
 * deploy/prometheus and deploy/grafana against the code: the alerting rules' thresholds are
 * the bot's defaults (read from the fleet file schema, not copied), `promtool` accepts the
 * rules and the scrape example and, fed series at either side of each threshold, fires what
 * the bot would; every condition the bot alerts on has a rule that pages from the bot's scrape
 * alone; every bot view of the fleet is read from the leading replica only; every metric the
 * rules and the dashboard use is one docs/metrics.md lists.
 * promtool comes with Debian's `prometheus` package (scripts/install-test-deps.sh).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const RULES = path.join(ROOT, 'deploy/prometheus/tokenops.rules.yml');
const SCRAPE = path.join(ROOT, 'deploy/prometheus/prometheus.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/tokenops-dashboard.json');

const defaults = fleetFileSchema.parse({ nodes: [{ name: 'a', url: 'http://127.0.0.1:1', keyEnv: 'K' }] }).alerts;
const seconds = (ms: number) => ms / 1000;
/** A Prometheus duration as the rules write it: `5m`, `2h`. */
const promDuration = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  severity?: string;
  summary?: string;
  description?: string;
}

/**
 * The alerting rules, read as far as this test needs: each `- alert:` with its `expr` (one
 * line, or a folded block under `>-`), `for` and `severity`. Enough for a file we write;
 * promtool below reads it fully.
 */
function readRules(text: string): Rule[] {
  const rules: Rule[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = /^(\s*)- alert: (\S+)/.exec(lines[i]!);
    if (!start) continue;
    const rule: Rule = { alert: start[2]!, expr: '' };
    const indent = start[1]!.length;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s*- /.test(line) && line.search(/\S/) <= indent) break;
      const field = /^\s*(expr|for|severity|summary|description): ?(.*)$/.exec(line);
      if (!field) continue;
      if (field[1] === 'expr' && /^[>|]-?$/.test(field[2]!.trim())) {
        const own = line.search(/\S/);
        const block: string[] = [];
        while (j + 1 < lines.length && (lines[j + 1]!.trim() === '' || lines[j + 1]!.search(/\S/) > own)) block.push(lines[++j]!.trim());
        rule.expr = block.filter(Boolean).join(' ');
      } else {
        const text = field[2]!.trim();
        rule[field[1] as 'expr' | 'for' | 'severity' | 'summary' | 'description'] = /^".*"$/.test(text) ? (JSON.parse(text) as string) : text;
      }
    }
    rules.push(rule);
  }
  return rules;
}

/** The tokenops metrics an expression reads (a histogram's series by the histogram's name). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(tokenops_[a-z_]+)/g)].map((match) => match[1]!.replace(/_(bucket|count|sum)$/, ''));
}

const documented = documentedMetrics();

/*
 * Each bot replica serves its own view of the fleet (its gauges, and the node-status family
 * it serves as the agents do), and only the leader's checks keep it fresh: a follower's stale
 * `node_up 1` would hide a node that went down. Rules and panels leave the followers out,
 * always in these words (which keep the agents' own series: they have no leader gauge). Not
 * views: the leader gauge itself; the last-check time, whose rule must fire when no replica
 * leads; counters and histograms, events each replica saw, summed.
 */
const FOLLOWERS_OUT = 'unless on (job, instance) tokenops_bot_leader == 0';
const NOT_VIEWS = new Set(['tokenops_bot_leader', 'tokenops_bot_node_last_check_timestamp_seconds']);
const botViews = new Set(documented.filter((metric) => metric.type === 'gauge' && metric.servedBy.includes('bot') && !NOT_VIEWS.has(metric.name)).map((metric) => metric.name));

/** The bot views an expression reads without leaving the followers out: each must be read as `(name{…} unless on (job, instance) tokenops_bot_leader == 0)`. */
function unfilteredViews(expr: string): string[] {
  const filtered = new RegExp(`^(\\{[^}]*\\})?\\s+${FOLLOWERS_OUT.replace(/[()]/g, '\\$&')}\\)`);
  return [...expr.matchAll(/\b(tokenops_[a-z_]+)/g)]
    .filter((match) => botViews.has(match[1]!) && !filtered.test(expr.slice(match.index + match[0].length)))
    .map((match) => match[1]!);
}

const rules = readRules(readFileSync(RULES, 'utf8'));
const rule = (name: string) => {
  const found = rules.find((candidate) => candidate.alert === name);
  if (!found) throw new Error(`no rule ${name} in ${RULES}`);
  return found;
};

/**
 * The rules that page for each condition the bot alerts on. Typed by the code's list of
 * conditions, so a new one does not compile until it has its rule; the test reads the list
 * from the code as well.
 */
const MIRRORS: Record<ActiveAlert['condition'], string[]> = {
  token_expiring: ['TokenopsTokenExpiring', 'TokenopsTokenExpiringCritical'],
  token_expired: ['TokenopsTokenExpired'],
  // The bot's node_up is 0 whatever the failure, a refused signature included.
  node_unreachable: ['TokenopsNodeUnreachable'],
  node_unauthorized: ['TokenopsNodeUnreachable'],
  gateway_not_ready: ['TokenopsGatewayNotReady'],
  store_unreadable: ['TokenopsStoreUnreadable'],
  refresh_failed: ['TokenopsBotRefreshFailed', 'TokenopsRefreshFailedForGood'],
  rotation_conflict: ['TokenopsBotRotationConflict'],
};

describe('deploy/prometheus/tokenops.rules.yml mirrors the bot', () => {
  it("every condition the bot alerts on has a rule that fires from the bot's scrape alone", () => {
    const servedByBot = new Set(documented.filter((metric) => metric.servedBy.includes('bot')).map((metric) => metric.name));
    const conditions = activeAlertSchema.shape.condition.options;
    expect(conditions.length).toBeGreaterThan(5);
    for (const condition of conditions) {
      const fromBot = MIRRORS[condition].map(rule).filter((candidate) => metricNames(candidate.expr).every((name) => servedByBot.has(name)));
      expect(fromBot.map((candidate) => candidate.alert), condition).not.toEqual([]);
    }
  });

  it("reads the bot's views of the fleet from the leading replica only", () => {
    expect([...botViews]).toEqual(expect.arrayContaining(['tokenops_bot_node_up', 'tokenops_bot_alerts_active', 'tokenops_profile_expiry_seconds', 'tokenops_gateway_ready']));
    expect(rules.filter((candidate) => candidate.expr.includes(FOLLOWERS_OUT)).length).toBeGreaterThan(5);
    for (const candidate of rules) expect(unfilteredViews(candidate.expr), candidate.alert).toEqual([]);
  });

  it('expiry thresholds are the fleet file defaults (warnBefore, criticalBefore)', () => {
    expect(rule('TokenopsTokenExpiring')).toMatchObject({ severity: 'warning' });
    // Like the bot, leaving out what renewal replaces in time.
    const covered = ' unless on \\(node, profile\\) \\(max by \\(node, profile\\) \\(tokenops_bot_renewal_covered';
    expect(rule('TokenopsTokenExpiring').expr).toMatch(new RegExp(`> ${seconds(defaults.criticalBefore)}\\)\\s*<= ${seconds(defaults.warnBefore)}${covered}`));
    expect(rule('TokenopsTokenExpiringCritical')).toMatchObject({ severity: 'critical' });
    expect(rule('TokenopsTokenExpiringCritical').expr).toMatch(new RegExp(`> 0\\)\\s*<= ${seconds(defaults.criticalBefore)}${covered}`));
    expect(rule('TokenopsTokenExpired')).toMatchObject({ severity: 'critical' });
    expect(rule('TokenopsTokenExpired').expr).toMatch(/<= 0$/);
  });

  it('a node is unreachable after two failed checks in a row: one check interval after the first', () => {
    expect(rule('TokenopsNodeUnreachable')).toMatchObject({ severity: 'critical', for: promDuration(defaults.checkEvery as number) });
    expect(rule('TokenopsChecksStale').expr).toMatch(new RegExp(`> ${seconds(3 * (defaults.checkEvery as number))}$`));
  });

  it('uses only documented metrics', () => {
    const names = new Set(documented.map((metric) => metric.name));
    const used = new Set(rules.flatMap((candidate) => metricNames(candidate.expr)));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(names.has(name), name).toBe(true);
  });
});

describe('deploy/grafana/tokenops-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    uid: string;
    panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }>; fieldConfig?: { defaults?: { thresholds?: { steps: Array<{ value: number | null }> } } } }>;
  };

  it('has the expiry timeline, coloured at the bot thresholds', () => {
    const timeline = dashboard.panels.find((panel) => panel.type === 'state-timeline' && panel.targets?.some((target) => target.expr.includes('tokenops_profile_expiry_seconds')));
    expect(timeline?.title).toMatch(/expiry timeline/i);
    expect(timeline?.fieldConfig?.defaults?.thresholds?.steps.map((step) => step.value)).toEqual([null, 0, seconds(defaults.criticalBefore), seconds(defaults.warnBefore)]);
    const bars = dashboard.panels.find((panel) => panel.type === 'bargauge');
    expect(bars?.fieldConfig?.defaults?.thresholds).toEqual(timeline?.fieldConfig?.defaults?.thresholds);
  });

  it('has the fleet health panels, and uses only documented metrics', () => {
    const exprs = dashboard.panels.flatMap((panel) => panel.targets?.map((target) => target.expr) ?? []);
    for (const metric of ['tokenops_bot_node_up', 'tokenops_bot_alerts_active', 'tokenops_gateway_ready', 'tokenops_bot_node_check_duration_seconds']) {
      expect(exprs.some((expr) => expr.includes(metric)), metric).toBe(true);
    }
    const names = new Set(documented.map((metric) => metric.name));
    const used = new Set(exprs.flatMap(metricNames));
    for (const name of used) expect(names.has(name), name).toBe(true);
  });

  it("reads the bot's views of the fleet from the leading replica only, as the rules do", () => {
    const targets = dashboard.panels.flatMap((panel) => panel.targets?.map((target) => ({ panel: panel.title, expr: target.expr })) ?? []);
    expect(targets.filter((target) => target.expr.includes(FOLLOWERS_OUT)).map((target) => target.panel)).toEqual(expect.arrayContaining(['Nodes answering', 'Nodes down', 'Agent answers the bot', 'Gateway ready']));
    for (const target of targets) expect(unfilteredViews(target.expr), target.panel).toEqual([]);
  });
});

// ------------------------------------------------------------------ promtool

function which(tool: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}
const promtool = which('promtool');
const NO_TOOL = "promtool is not installed (Debian: apt-get install --no-install-recommends prometheus, as scripts/install-test-deps.sh does): the rules were not checked by Prometheus's own tool";

function runPromtool(args: string[], cwd = ROOT) {
  const result = spawnSync(promtool!, args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('promtool', () => {
  it('check rules: the rules file is valid', (context) => {
    if (!promtool) {
      console.log(NO_TOOL);
      context.skip(NO_TOOL);
    }
    const result = runPromtool(['check', 'rules', RULES]);
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.status, result.output).toBe(0);
  });

  it('check config: the scrape example is valid and finds the rules', (context) => {
    if (!promtool) context.skip(NO_TOOL);
    const result = runPromtool(['check', 'config', SCRAPE]);
    expect(result.status, result.output).toBe(0);
  });

  it('test rules: series either side of each threshold fire what the bot would', (context) => {
    if (!promtool) context.skip(NO_TOOL);
    const warn = seconds(defaults.warnBefore);
    const critical = seconds(defaults.criticalBefore);
    const checkEveryMin = (defaults.checkEvery as number) / 60_000;
    // Two bot replicas: the leader (bot:9464) and a follower whose views are old (bot-2:9464).
    const LEADER = 'job="tokenops-bot",instance="bot:9464"';
    const FOLLOWER = 'job="tokenops-bot",instance="bot-2:9464"';
    const profile = (node: string, agent: string, left: number, job = 'tokenops-bot', instance = 'bot:9464') => ({
      series: `tokenops_profile_expiry_seconds{job="${job}",instance="${instance}",node="${node}",agent="${agent}",profile="anthropic:default",provider="anthropic",type="oauth"}`,
      // Counting down one minute a minute, as the expiry does.
      values: `${left}-60x20`,
    });
    // What Alertmanager would receive: the labels, and the annotations with their templates filled in.
    const fired = (alertname: string, labels: Record<string, string>) => {
      const fill = (template: string | undefined) => template?.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');
      const { summary, description } = rule(alertname);
      return { exp_labels: labels, exp_annotations: { ...(summary ? { summary: fill(summary) } : {}), ...(description ? { description: fill(description) } : {}) } };
    };
    const expiry = (alertname: string, node: string) => fired(alertname, { node, profile: 'anthropic:default', severity: rule(alertname).severity! });
    // promtool reads JSON too (YAML's superset): the test is generated from the code's defaults.
    const tests = {
      rule_files: [RULES],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            profile('fresh', 'main', warn + 600),
            profile('warn', 'main', warn - 60),
            // As close to expiry, but renewal replaces it in time (the leader says so; a follower's word does not count).
            profile('renewed', 'main', critical - 60),
            { series: `tokenops_bot_renewal_covered{${LEADER},node="renewed",profile="anthropic:default"}`, values: '1x20' },
            { series: `tokenops_bot_renewal_covered{${FOLLOWER},node="crit",profile="anthropic:default"}`, values: '1x20' },
            profile('crit', 'main', critical - 60),
            profile('dead', 'main', -60),
            // Two agent stores, one behind: the earliest copy counts, as in the bot.
            profile('split', 'main', warn + 600),
            profile('split', 'coder', critical - 60),
            // The same series from the bot and the node's agent: the freshest wins (after a sync).
            profile('synced', 'main', -60, 'tokenops-bot'),
            profile('synced', 'main', warn + 600, 'tokenops-agent'),
            // A profile only a follower still shows (gone since): not the fleet's any more.
            profile('moved', 'main', -60, 'tokenops-bot', 'bot-2:9464'),
            { series: `tokenops_bot_leader{${LEADER}}`, values: '1x20' },
            { series: `tokenops_bot_leader{${FOLLOWER}}`, values: '0x20' },
            // The follower's last look at `down` found it answering, and at `fine` did not.
            { series: `tokenops_bot_node_up{${LEADER},node="down"}`, values: '0x20' },
            { series: `tokenops_bot_node_up{${FOLLOWER},node="down"}`, values: '1x20' },
            { series: `tokenops_bot_node_up{${LEADER},node="fine"}`, values: '1x20' },
            { series: `tokenops_bot_node_up{${FOLLOWER},node="fine"}`, values: '0x20' },
            // A follower's old `ready` does not hide the leader's `not ready`; an agent's own reading counts.
            { series: `tokenops_gateway_ready{${LEADER},node="stuck"}`, values: '0x20' },
            { series: `tokenops_gateway_ready{${FOLLOWER},node="stuck"}`, values: '1x20' },
            { series: `tokenops_gateway_ready{${LEADER},node="fine"}`, values: '1x20' },
            { series: `tokenops_gateway_ready{${FOLLOWER},node="fine"}`, values: '0x20' },
            { series: 'tokenops_gateway_ready{job="tokenops-agent",instance="solo:9400",node="solo"}', values: '0x20' },
            // The bot's own alerts: refresh_failed raised at 5m, rotation_conflict cleared at 5m;
            // the follower's copy of the shared state is left out either way.
            { series: `tokenops_bot_alerts_active{${LEADER},severity="critical",condition="refresh_failed"}`, values: '0x4 1x16' },
            { series: `tokenops_bot_alerts_active{${LEADER},severity="critical",condition="rotation_conflict"}`, values: '2x4 0x16' },
            { series: `tokenops_bot_alerts_active{${FOLLOWER},severity="critical",condition="rotation_conflict"}`, values: '1x20' },
            { series: `tokenops_bot_alerts_active{${LEADER},severity="warning",condition="token_expiring"}`, values: '1x20' },
          ],
          alert_rule_test: [
            { eval_time: '1m', alertname: 'TokenopsTokenExpiring', exp_alerts: [expiry('TokenopsTokenExpiring', 'warn')] },
            { eval_time: '1m', alertname: 'TokenopsTokenExpiringCritical', exp_alerts: [expiry('TokenopsTokenExpiringCritical', 'crit'), expiry('TokenopsTokenExpiringCritical', 'split')] },
            { eval_time: '1m', alertname: 'TokenopsTokenExpired', exp_alerts: [expiry('TokenopsTokenExpired', 'dead')] },
            { eval_time: `${checkEveryMin - 1}m`, alertname: 'TokenopsNodeUnreachable', exp_alerts: [] },
            { eval_time: `${checkEveryMin + 1}m`, alertname: 'TokenopsNodeUnreachable', exp_alerts: [fired('TokenopsNodeUnreachable', { job: 'tokenops-bot', instance: 'bot:9464', node: 'down', severity: 'critical' })] },
            { eval_time: '1m', alertname: 'TokenopsGatewayNotReady', exp_alerts: [fired('TokenopsGatewayNotReady', { node: 'solo', severity: 'warning' }), fired('TokenopsGatewayNotReady', { node: 'stuck', severity: 'warning' })] },
            { eval_time: '2m', alertname: 'TokenopsBotRefreshFailed', exp_alerts: [] },
            { eval_time: '6m', alertname: 'TokenopsBotRefreshFailed', exp_alerts: [fired('TokenopsBotRefreshFailed', { condition: 'refresh_failed', severity: 'critical' })] },
            { eval_time: '2m', alertname: 'TokenopsBotRotationConflict', exp_alerts: [fired('TokenopsBotRotationConflict', { condition: 'rotation_conflict', severity: 'critical' })] },
            { eval_time: '6m', alertname: 'TokenopsBotRotationConflict', exp_alerts: [] },
          ],
        },
      ],
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-promtool-'));
    const file = path.join(dir, 'tokenops.rules.test.json');
    writeFileSync(file, JSON.stringify(tests, null, 2));
    const result = runPromtool(['test', 'rules', file], dir);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS/);
  });
});
