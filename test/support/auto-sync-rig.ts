import { Keyv } from 'keyv';
import type { AlertSink, RaisedAlert } from '../../src/alerts/alert-sink.js';
import { loadFleet } from '../../src/config/fleet-file.js';
import { FleetClient } from '../../src/fleet/fleet-client.js';
import { NodeLocks } from '../../src/fleet/node-locks.js';
import { AgentEventSubscriber } from '../../src/jobs/agent-event-subscriber.js';
import { AutoSync } from '../../src/jobs/auto-sync.js';
import { createLogger } from '../../src/logging/logger.js';
import { AuditLog, type AuditRecord } from '../../src/state/audit-log.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetFor, type FarmNode } from './agent-farm.js';

/**
 * The bot's automatic sync without Discord: the same AutoSync, event subscriber and fleet
 * client over a set of agents, its audit records and alerts collected in arrays.
 */
export async function startAutoSyncRig(nodes: readonly FarmNode[], fleetExtra: Record<string, unknown>) {
  const { fleet: fleetFile, env } = fleetFor(nodes, fleetExtra);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-rig-')), 'fleet.json');
  writeFileSync(file, JSON.stringify(fleetFile));
  const loaded = loadFleet(file, env);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const fleet = loaded.value;
  const logger = createLogger('rig', 'silent');
  const fleetClient = new FleetClient(fleet, { timeoutMs: 3000, concurrency: 32 });
  const records: AuditRecord[] = [];
  const alerts: RaisedAlert[] = [];
  const audit = new AuditLog(new Keyv<AuditRecord>());
  audit.onRecord((record) => void records.push(record));
  const sink: AlertSink = { raise: async (alert) => void alerts.push(alert) };
  const events = new AgentEventSubscriber(fleet.nodes, logger, { baseMs: 100, capMs: 1000 });
  const autoSync = new AutoSync({
    fleet,
    fleetClient,
    locks: new NodeLocks(),
    events,
    audit,
    alerts: sink,
    logger,
  });
  events.start();
  autoSync.start();
  return {
    fleet,
    events,
    autoSync,
    records,
    alerts,
    async stop() {
      events.stop();
      await autoSync.stop();
      await fleetClient.close();
    },
  };
}
