import { readFileSync } from 'node:fs';

/*
 * `npm run bench:heap -- <file.heapsnapshot>`: what a heap snapshot holds, by constructor
 * (self size, the bytes each kind of object takes itself), the largest first. Enough to see
 * which caches or buffers hold a process's memory without opening DevTools.
 */

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run bench:heap -- <file.heapsnapshot> [rows]');
  process.exit(2);
}
const rows = Number(process.argv[3] ?? 30);
const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = heap.snapshot.meta.node_fields;
const types = heap.snapshot.meta.node_types[0];
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];

const byKind = new Map<string, { count: number; bytes: number }>();
let total = 0;
for (let at = 0; at < heap.nodes.length; at += width) {
  const type = types[heap.nodes[at + typeAt]!]!;
  // Objects by constructor; strings, code and arrays by their type (their names are their contents).
  const kind = type === 'object' || type === 'closure' ? `${type} ${heap.strings[heap.nodes[at + nameAt]!]}` : type;
  const bytes = heap.nodes[at + sizeAt]!;
  total += bytes;
  const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
  entry.count++;
  entry.bytes += bytes;
  byKind.set(kind, entry);
}
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
console.log(`${file}: ${mib(total)} MiB in ${(heap.nodes.length / width).toLocaleString('en')} objects`);
console.log('| kind | count | MiB |');
console.log('| --- | --- | --- |');
for (const [kind, { count, bytes }] of [...byKind].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, rows)) console.log(`| ${kind.slice(0, 80)} | ${count.toLocaleString('en')} | ${mib(bytes)} |`);
