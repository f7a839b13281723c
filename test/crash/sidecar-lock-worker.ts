import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { acquireSidecarLock } from '../../src/agent/store/sidecar-lock.js';

/*
 * Takes the sidecar lock of <file> <rounds> times, logging `in <pid>` and `out <pid>` around
 * each turn (appends of a few bytes, so the log's order is the order of the turns). About one
 * turn in three ends as a killed holder's would: its lock left behind naming <deadPid>, for
 * the other workers to take over at once, racing each other.
 *   sidecar-lock-worker <file> <log> <deadPid> <rounds>
 */
const [file, log, deadPid, rounds] = process.argv.slice(2) as [string, string, string, string];
for (let turn = 0; turn < Number(rounds); turn++) {
  const lock = await acquireSidecarLock(file, 60_000);
  appendFileSync(log, `in ${process.pid}\n`);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  appendFileSync(log, `out ${process.pid}\n`);
  if (Math.random() < 0.3) {
    const stale = `${file}.lock.${process.pid}.dying`;
    writeFileSync(stale, `${JSON.stringify({ pid: Number(deadPid), createdAt: new Date().toISOString(), starttime: 1 }, null, 2)}\n`);
    renameSync(stale, `${file}.lock`);
    appendFileSync(log, `died ${process.pid}\n`);
  } else {
    await lock.release();
  }
}
