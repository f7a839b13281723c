import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fleetFileSchema } from '../../../src/config/fleet-file.js';
import { documentedMetrics } from '../../support/prometheus.js';

/*
 * deploy/prometheus and deploy/grafana against the code: the alerting rules' thresholds are
 * the bot's defaults (read from the fleet file schema, not copied), `promtool` accepts the
 * rules and the scrape example and, fed series at either side of each threshold, fires what
 * the bot would; every metric the rules and the dashboard use is one docs/metrics.md lists.
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

const rules = readRules(readFileSync(RULES, 'utf8'));
const rule = (name: string) => {
  const found = rules.find((candidate) => candidate.alert === name);
  if (!found) throw new Error(`no rule ${name} in ${RULES}`);
  return found;
};

describe('deploy/prometheus/tokenops.rules.yml mirrors the bot', () => {
  it('expiry thresholds are the fleet file defaults (warnBefore, criticalBefore)', () => {
    expect(rule('TokenopsTokenExpiring')).toMatchObject({ severity: 'warning' });
    expect(rule('TokenopsTokenExpiring').expr).toMatch(new RegExp(`> ${seconds(defaults.criticalBefore)}\\)\\s*<= ${seconds(defaults.warnBefore)}$`));
    expect(rule('TokenopsTokenExpiringCritical')).toMatchObject({ severity: 'critical' });
    expect(rule('TokenopsTokenExpiringCritical').expr).toMatch(new RegExp(`> 0\\)\\s*<= ${seconds(defaults.criticalBefore)}$`));
    expect(rule('TokenopsTokenExpired')).toMatchObject({ severity: 'critical' });
    expect(rule('TokenopsTokenExpired').expr).toMatch(/<= 0$/);
  });

  it('a node is unreachable after two failed checks in a row: one check interval after the first', () => {
    expect(rule('TokenopsNodeUnreachable')).toMatchObject({ severity: 'critical', for: promDuration(defaults.checkEvery as number) });
    expect(rule('TokenopsChecksStale').expr).toMatch(new RegExp(`> ${seconds(3 * (defaults.checkEvery as number))}$`));
  });

  it('uses only documented metrics', () => {
    const documented = new Set(documentedMetrics().map((metric) => metric.name));
    const used = new Set(rules.flatMap((candidate) => [...candidate.expr.matchAll(/\b(tokenops_[a-z_]+)/g)].map((match) => match[1]!)));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(documented.has(name), name).toBe(true);
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
    const documented = new Set(documentedMetrics().map((metric) => metric.name));
    const used = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\b(tokenops_[a-z_]+)/g)].map((match) => match[1]!.replace(/_(bucket|count|sum)$/, ''))));
    for (const name of used) expect(documented.has(name), name).toBe(true);
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
    const profile = (node: string, agent: string, left: number, job = 'tokenops-bot') => ({
      series: `tokenops_profile_expiry_seconds{job="${job}",instance="bot:9464",node="${node}",agent="${agent}",profile="anthropic:default",provider="anthropic",type="oauth"}`,
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
            profile('crit', 'main', critical - 60),
            profile('dead', 'main', -60),
            // Two agent stores, one behind: the earliest copy counts, as in the bot.
            profile('split', 'main', warn + 600),
            profile('split', 'coder', critical - 60),
            // The same series from the bot and the node's agent: the freshest wins (after a sync).
            profile('synced', 'main', -60, 'tokenops-bot'),
            profile('synced', 'main', warn + 600, 'tokenops-agent'),
            { series: 'tokenops_bot_node_up{job="tokenops-bot",instance="bot:9464",node="down"}', values: '0x20' },
            { series: 'tokenops_bot_node_up{job="tokenops-bot",instance="bot:9464",node="fine"}', values: '1x20' },
            { series: 'tokenops_bot_leader{job="tokenops-bot",instance="bot:9464"}', values: '1x20' },
          ],
          alert_rule_test: [
            { eval_time: '1m', alertname: 'TokenopsTokenExpiring', exp_alerts: [expiry('TokenopsTokenExpiring', 'warn')] },
            { eval_time: '1m', alertname: 'TokenopsTokenExpiringCritical', exp_alerts: [expiry('TokenopsTokenExpiringCritical', 'crit'), expiry('TokenopsTokenExpiringCritical', 'split')] },
            { eval_time: '1m', alertname: 'TokenopsTokenExpired', exp_alerts: [expiry('TokenopsTokenExpired', 'dead')] },
            { eval_time: `${checkEveryMin - 1}m`, alertname: 'TokenopsNodeUnreachable', exp_alerts: [] },
            { eval_time: `${checkEveryMin + 1}m`, alertname: 'TokenopsNodeUnreachable', exp_alerts: [fired('TokenopsNodeUnreachable', { job: 'tokenops-bot', instance: 'bot:9464', node: 'down', severity: 'critical' })] },
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
