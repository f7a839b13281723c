import { randomBytes } from 'node:crypto';
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { scrub } from '../domain/scrub-secrets.js';

/*
 * Every mutating action and every confirmation: who, what, when, outcome (DESIGN.md
 * "Audit"). Records are plain text about actions, never credential values: callers pass
 * node and profile names and short outcomes, and a test scans the log for planted secrets.
 */

const DETAIL_MAX = 1000;

export const AUDIT_OUTCOMES = ['ok', 'failed', 'refused', 'planned', 'confirmed', 'cancelled', 'expired', 'partial', 'interrupted'] as const;

export const auditRecordSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.object({ via: z.enum(['discord', 'cli', 'scheduler']), id: z.string(), name: z.string() }),
  action: z.string(),
  target: z.string().optional(),
  outcome: z.enum(AUDIT_OUTCOMES),
  detail: z.string().max(DETAIL_MAX).optional(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditEntry = Omit<AuditRecord, 'id' | 'at'>;
/** Who did it: a Discord member, a person at the CLI, or a scheduled job. */
export type AuditActor = AuditRecord['actor'];

const KEEP = 5000;
const PRUNE_EVERY = 100;
const ID_TIME_DIGITS = 15;
const ID_TIME = /^\d{15}-/;

/** The zero-padded milliseconds an id starts with: ids sort, and compare, by time. */
function idTime(atMs: number): string {
  return String(atMs).padStart(ID_TIME_DIGITS, '0');
}

export class AuditLog {
  private writes = 0;
  private sequence = 0;
  private readonly listeners: Array<(record: AuditRecord) => void> = [];

  constructor(
    private readonly store: Keyv<AuditRecord>,
    private readonly now: () => number = Date.now,
  ) {}

  async record(entry: AuditEntry): Promise<AuditRecord> {
    const atMs = this.now();
    // Keys sort by time: zero-padded milliseconds, then a sequence for same-millisecond writes,
    // then randomness so two replicas never collide.
    const id = `${idTime(atMs)}-${String(this.sequence++ % 1e9).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;
    // A detail may quote an agent's words (a refusal, a command's output): anything
    // token-shaped is cut once, here, for every reader of the log (bot, CLI, --json). The action
    // has happened by now: a long detail (a sync to a hundred nodes) is cut, never allowed to
    // turn a done operation into a failed one.
    const scrubbed = entry.detail === undefined ? undefined : scrub(entry.detail);
    const detail = scrubbed !== undefined && scrubbed.length > DETAIL_MAX ? `${scrubbed.slice(0, DETAIL_MAX - 1)}…` : scrubbed;
    const record = auditRecordSchema.parse({ ...entry, ...(detail === undefined ? {} : { detail }), id, at: new Date(atMs).toISOString() });
    await this.store.set(id, record);
    // Listeners learn of a record once it is stored; one that throws never fails the action.
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A watcher's bug is its own (metrics), not the audited operation's.
      }
    }
    if (++this.writes % PRUNE_EVERY === 0) await this.prune();
    return record;
  }

  /** Every record this process writes from now on, once stored (metrics count actions here: every action passes through). */
  onRecord(listener: (record: AuditRecord) => void): void {
    this.listeners.push(listener);
  }

  /** The newest records first. */
  async latest(limit: number): Promise<AuditRecord[]> {
    const all = await this.all();
    return all.slice(-limit).reverse();
  }

  /** Records from `atMs` on, oldest first (the expiry timeline's markers look back a window). */
  async since(atMs: number): Promise<AuditRecord[]> {
    // An id starts with its time (see record()): older records are skipped by key, unparsed.
    // Keyv gives keys without its namespace (SQLite and Redis alike); anything before a ':' is cut anyway.
    const from = idTime(Math.max(0, Math.floor(atMs)));
    const records = await this.all((key) => {
      const id = key.slice(key.lastIndexOf(':') + 1);
      return !ID_TIME.test(id) || id.slice(0, ID_TIME_DIGITS) >= from;
    });
    return records.filter((record) => Date.parse(record.at) >= atMs);
  }

  /** The records whose key `wanted` keeps (every one without it), oldest first. */
  private async all(wanted?: (key: string) => boolean): Promise<AuditRecord[]> {
    if (!this.store.iterator) throw new Error('the state store cannot list keys');
    const records: AuditRecord[] = [];
    for await (const [key, value] of this.store.iterator(undefined)) {
      if (wanted && typeof key === 'string' && !wanted(key)) continue;
      const parsed = auditRecordSchema.safeParse(value);
      if (parsed.success) records.push(parsed.data);
    }
    return records.sort((a, b) => a.id.localeCompare(b.id));
  }

  private async prune(): Promise<void> {
    const all = await this.all();
    for (const record of all.slice(0, Math.max(0, all.length - KEEP))) await this.store.delete(record.id);
  }
}
