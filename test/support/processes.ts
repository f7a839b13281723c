import { observeOutput } from '../../src/demo/local-processes.js';

export { freePort, killAllSpawned, ROOT, spawnNode, spawnTs, startAgent, startStandInGateway, STANDIN_BIN } from '../../src/demo/local-processes.js';
export type { RunningAgent, Spawned, StandInGateway } from '../../src/demo/local-processes.js';

/** Everything every spawned process printed, for the secret scans. */
export const capturedOutput: string[] = [];
observeOutput((line) => capturedOutput.push(line));
