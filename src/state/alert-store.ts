import type { Keyv } from 'keyv';
import { emptyNodeState, nodeAlertStateSchema, silenceSchema, type NodeAlertState, type Silence } from '../domain/alerts.js';

const SILENCES_KEY = 'silences';

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
