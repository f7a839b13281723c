import { readFileSync } from 'node:fs';
import path from 'node:path';
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from 'parse-prometheus-text-format';
import { ROOT } from './processes.js';

/*
 * Scrapes as Prometheus makes them, read with a Prometheus text parser written by someone
 * else (not prom-client, which wrote the text), and docs/metrics.md read as the list of
 * what is promised.
 */

export interface Scrape {
  status: number;
  contentType: string;
  text: string;
  families: Map<string, ParsedFamily>;
  ms: number;
}

export async function scrape(url: string): Promise<Scrape> {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, families: response.status === 200 ? parseFamilies(text) : new Map(), ms };
}

/**
 * The parser's families, histograms mended: it folds a histogram's labelled series into one
 * sample without labels (it was written for unlabelled ones). Read once more as untyped
 * lines, a histogram's `_bucket`, `_sum` and `_count` series keep their labels, and are put
 * back together per label set.
 */
export function parseFamilies(text: string): Map<string, ParsedFamily> {
  const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family] as const));
  const histograms = [...families.values()].filter((family) => family.type === 'HISTOGRAM');
  if (histograms.length === 0) return families;
  const lines = parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'));
  for (const family of histograms) {
    const byLabels = new Map<string, ParsedSample>();
    const series = (suffix: string) => lines.filter((entry) => entry.name === `${family.name}${suffix}`).flatMap((entry) => entry.metrics);
    const entryFor = (labels: Record<string, string>) => {
      const { le: _le, ...rest } = labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      if (!byLabels.has(key)) byLabels.set(key, { labels: rest, buckets: {} });
      return byLabels.get(key)!;
    };
    for (const sample of series('_bucket')) entryFor(sample.labels ?? {}).buckets![sample.labels?.le ?? ''] = sample.value ?? '';
    for (const sample of series('_sum')) entryFor(sample.labels ?? {}).sum = sample.value ?? '';
    for (const sample of series('_count')) entryFor(sample.labels ?? {}).count = sample.value ?? '';
    families.set(family.name, { ...family, metrics: [...byLabels.values()] });
  }
  return families;
}

/** The samples of a family whose labels include `match`. */
export function samples(scraped: Scrape, name: string, match: Record<string, string> = {}): ParsedSample[] {
  return (scraped.families.get(name)?.metrics ?? []).filter((sample) => Object.entries(match).every(([label, value]) => sample.labels?.[label] === value));
}

/** The one sample's value (a gauge or counter), NaN when there is none or several. */
export function value(scraped: Scrape, name: string, match: Record<string, string> = {}): number {
  const found = samples(scraped, name, match);
  return found.length === 1 ? Number(found[0]!.value ?? found[0]!.count) : NaN;
}

export function sum(scraped: Scrape, name: string, match: Record<string, string> = {}): number {
  return samples(scraped, name, match).reduce((total, sample) => total + Number(sample.value ?? sample.count ?? 0), 0);
}

/** Every label value of every sample, for "this never became a label" checks. */
export function labelValues(scraped: Scrape): string[] {
  return [...scraped.families.values()].flatMap((family) => family.metrics.flatMap((sample) => Object.values(sample.labels ?? {})));
}

export interface DocumentedMetric {
  name: string;
  type: string;
  labels: string[];
  servedBy: string[];
}

/** The table of docs/metrics.md: `| \`name\` | type | \`label\`, … | agent, bot | meaning |`. */
export function documentedMetrics(): DocumentedMetric[] {
  const text = readFileSync(path.join(ROOT, 'docs/metrics.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => /^\| `tokenops_/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    // The list's rows have five cells; other tables name metrics too.
    .filter((cells) => cells.length === 5)
    .map((cells) => {
      const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
      return { name: names(cells[0]!)[0]!, type: cells[1]!, labels: names(cells[2]!).sort(), servedBy: cells[3]!.split(/,\s*/) };
    });
}

/** A scrape as the same shape: each family's type and the label names its samples carry. */
export function exposedMetrics(scraped: Scrape): Array<{ name: string; type: string; labels: string[] }> {
  return [...scraped.families.values()].map((family) => ({
    name: family.name,
    type: family.type.toLowerCase(),
    labels: [...new Set(family.metrics.flatMap((sample) => Object.keys(sample.labels ?? {})))].sort(),
  }));
}
