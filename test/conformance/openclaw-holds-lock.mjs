// Runs on Node 24 inside a conformance OpenClaw home: `node openclaw-holds-lock.mjs <dist>
// <agentDir> <profileId> <token> <holdMs> <heldMarker> [shared|agent]`.
//
// Takes OpenClaw's own auth-store write path (its `updateAuthProfileStoreWithLock`: the
// sidecar file lock on 2026.6.1, the per-agent SQLite write transaction on 2026.6.5, the
// state lock plus the shared database's transaction on 2026.9) and holds it for holdMs
// while writing one profile, so a test can see what our agent does while real OpenClaw
// holds the store. No OpenClaw command holds it for longer than a few milliseconds, so the
// function is called directly; the updater blocks the thread on purpose, as a slow write
// would, because OpenClaw's updater is synchronous.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, agentDir, profileId, token, holdMs, heldMarker, target = 'shared'] = process.argv.slice(2);

async function findUpdater() {
  const chunks = readdirSync(dist).filter((name) => /\.m?js$/.test(name));
  for (const name of chunks) {
    const text = readFileSync(path.join(dist, name), 'utf8');
    if (!/updateAuthProfileStoreWithLock as [\w$]+[,\s}]/.test(text)) continue;
    const module = await import(pathToFileURL(path.join(dist, name)).href);
    const updater = Object.values(module).find((value) => typeof value === 'function' && value.name === 'updateAuthProfileStoreWithLock');
    if (updater) return updater;
  }
  throw new Error(`no updateAuthProfileStoreWithLock export in ${dist}`);
}

const update = await findUpdater();
let held = false;
const attempt = () =>
  update({
    agentDir,
    // 2026.9: main's writes go to the shared store, as `models auth paste-token` does, unless
    // the test asks for main's own agent database; older versions ignore the field.
    sharedStoreWrite: target === 'shared',
    updater(store) {
      held = true;
      writeFileSync(heldMarker, String(Date.now()));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdMs));
      store.profiles[profileId] = { type: 'token', provider: 'anthropic', token };
      return true;
    },
  });
// OpenClaw's updater swallows every error into null. 2026.6.5 opens its agent database with
// `PRAGMA journal_mode = WAL` before it sets a busy timeout, so an open that meets another
// connection recovering the WAL at that instant (our agent reading the store it just saw
// change) fails at once: seen once in CI. That is OpenClaw's own write failing, not the
// lock this script is for: tried again, a few times, before it ever held the store.
let result = await attempt();
for (let retry = 1; !result && !held && retry <= 3; retry++) {
  console.error(`OpenClaw's update failed before it held the store; attempt ${retry + 1}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  result = await attempt();
}
if (!result) {
  console.error('OpenClaw reported the update as failed');
  process.exit(3);
}
console.log(JSON.stringify({ releasedAt: Date.now() }));
process.exit(0);
