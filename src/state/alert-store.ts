import type { Keyv } from 'keyv';
import { emptyNodeState, nodeAlertStateSchema, silenceSchema, type NodeAlertState, type Silence } from '../domain/alerts.js';

const SILENCES_KEY = 'silences';
const GROUPS_KEY = 'groups';

/**
 * Alert state in keyv: per node its tracked alerts and the message that shows them, plus
 * the silences. It survives a bot restart, so a restart neither loses alerts nor posts
 * them all again.
 */
export class AlertStore {
  constructor(private readonly store: Keyv<unknown>) {}

  async node(node: string): Promise<NodeAlertState> {
    const parsed = nodeAlertStateSchema.safeParse(await this.store.get(`node:${node}`));
    return parsed.success ? parsed.data : emptyNodeState(node);
  }

  async saveNode(state: NodeAlertState): Promise<void> {
    await this.store.set(`node:${state.node}`, state);
  }

  /** A fleet-wide group's message state (src/domain/alert-groups.ts), keyed like a node's. */
  async group(key: string): Promise<NodeAlertState> {
    const parsed = nodeAlertStateSchema.safeParse(await this.store.get(`group:${key}`));
    return parsed.success ? parsed.data : emptyNodeState(key);
  }

  async saveGroup(state: NodeAlertState): Promise<void> {
    await this.store.set(`group:${state.node}`, state);
  }

  /** The groups that had a message at the last check: each is resolved when it clears. */
  async groupKeys(): Promise<string[]> {
    const raw = await this.store.get(GROUPS_KEY);
    return Array.isArray(raw) ? raw.filter((key): key is string => typeof key === 'string') : [];
  }

  async saveGroupKeys(keys: readonly string[]): Promise<void> {
    await this.store.set(GROUPS_KEY, [...keys]);
  }

  async silences(nowMs: number): Promise<Silence[]> {
    const raw = await this.store.get(SILENCES_KEY);
    const list = Array.isArray(raw) ? raw.flatMap((entry) => (silenceSchema.safeParse(entry).success ? [silenceSchema.parse(entry)] : [])) : [];
    return list.filter((silence) => silence.until > nowMs);
  }

  async addSilence(silence: Silence, nowMs: number): Promise<void> {
    const current = (await this.silences(nowMs)).filter((existing) => existing.target !== silence.target);
    await this.store.set(SILENCES_KEY, [...current, silence]);
  }

  /** Removes the silences on exactly this target; says how many there were. */
  async removeSilence(target: string, nowMs: number): Promise<number> {
    const current = await this.silences(nowMs);
    const kept = current.filter((silence) => silence.target !== target);
    await this.store.set(SILENCES_KEY, kept);
    return current.length - kept.length;
  }
}
