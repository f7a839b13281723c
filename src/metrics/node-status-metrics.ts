import { Gauge, type Registry } from 'prom-client';
import { HEALTH_VALUES } from '../domain/token-health.js';
import { PROFILE_LABELS, profileSamples, storeSamples, type NodeStatusReading } from './profile-samples.js';

/**
 * The node-status family, served alike by an agent (its own node) and by the bot (every
 * node, from its last checks): per profile the seconds until expiry and the health, per
 * agent store its readability, per node the gateway. Values are computed when scraped from
 * `read`, which gives the same status `/v1/status` answers; nothing here decides health.
 */
export function registerNodeStatusMetrics(registry: Registry, read: () => Promise<NodeStatusReading[]>): void {
  new Gauge({
    name: 'tokenops_profile_expiry_seconds',
    help: 'Seconds until the profile expires (negative: expired). Absent for profiles without an expiry (api keys) and unreadable ones.',
    labelNames: PROFILE_LABELS,
    registers: [registry],
    async collect() {
      const readings = await read();
      this.reset();
      for (const sample of readings.flatMap(profileSamples)) if (sample.expirySeconds !== null) this.set(sample.labels, sample.expirySeconds);
    },
  });
  new Gauge({
    name: 'tokenops_profile_health',
    help: `The profile's health as a state set: 1 for the current state, 0 for the others (${HEALTH_VALUES.join(', ')}).`,
    labelNames: [...PROFILE_LABELS, 'state'],
    registers: [registry],
    async collect() {
      const readings = await read();
      this.reset();
      for (const sample of readings.flatMap(profileSamples)) for (const state of HEALTH_VALUES) this.set({ ...sample.labels, state }, state === sample.health ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tokenops_store_readable',
    help: "1 when the agent store's credential store can be read and parsed, else 0.",
    labelNames: ['node', 'agent'],
    registers: [registry],
    async collect() {
      const readings = await read();
      this.reset();
      for (const sample of readings.flatMap(storeSamples)) this.set(sample.labels, sample.readable ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tokenops_gateway_reachable',
    help: "1 when the node's OpenClaw gateway answers /readyz at all, else 0.",
    labelNames: ['node'],
    registers: [registry],
    async collect() {
      const readings = await read();
      this.reset();
      for (const reading of readings) this.set({ node: reading.node }, reading.status.gateway.reachable ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tokenops_gateway_ready',
    help: "1 when the node's OpenClaw gateway answers /readyz with 200, else 0.",
    labelNames: ['node'],
    registers: [registry],
    async collect() {
      const readings = await read();
      this.reset();
      for (const reading of readings) this.set({ node: reading.node }, reading.status.gateway.ready ? 1 : 0);
    },
  });
}
