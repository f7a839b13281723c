// Runs on Node 24 inside a conformance OpenClaw home: `node openclaw-agent-leases.mjs <dist>`.
// Prints, as JSON, the agent-database leases that OpenClaw 2026.9 itself considers live
// (its `readActiveOpenClawAgentDatabaseLeasesReadOnly`, which drops leases of dead or reused
// pids): the test uses it to see that OpenClaw recognises our agent's lease as a live one.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist] = process.argv.slice(2);
const wanted = 'readActiveOpenClawAgentDatabaseLeasesReadOnly';
for (const name of readdirSync(dist).filter((file) => /\.m?js$/.test(file))) {
  if (!readFileSync(path.join(dist, name), 'utf8').includes(`${wanted} as `)) continue;
  const module = await import(pathToFileURL(path.join(dist, name)).href);
  const read = Object.values(module).find((value) => typeof value === 'function' && value.name === wanted);
  if (!read) continue;
  console.log(JSON.stringify(read({ env: process.env })));
  process.exit(0);
}
console.error(`no ${wanted} export in ${dist}`);
process.exit(3);
