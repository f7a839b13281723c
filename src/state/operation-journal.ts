import { randomUUID } from 'node:crypto';
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { scrub } from '../domain/scrub-secrets.js';
import { auditRecordSchema, type AuditActor } from './audit-log.js';

/*
 * The mutations running right now (a confirmed restart, a sync), each written down before
 * it starts and struck off when it ends. A process killed halfway leaves its entries behind;
 * whoever looks next finds them, says in the audit log (and on the message that started
 * them) that they were interrupted, and strikes them off. Nothing is ever resumed: a
 * half-done restart or sync is reported, never run a second time.
 *
 * Each process writes a heartbeat of its own; an entry is left over only once its owner's
 * heartbeat has lapsed, so that several replicas on one Redis never report each other's
 * running work.
 */

const journalEntrySchema = z.object({
  id: z.string(),
  owner: z.string(),
  action: z.string(),
  target: z.string(),
  /** The nodes it changes, to say where they are now. */
  nodes: z.array(z.string()),
  actor: auditRecordSchema.shape.actor,
  startedAt: z.iso.datetime(),
  /** The message that shows this operation, to mark it interrupted. */
  message: z.object({ channelId: z.string(), messageId: z.string() }).optional(),
  /** It stopped on an error while its process lives on: reported as interrupted at once, not after the heartbeat lapses. */
  abandoned: z.object({ at: z.iso.datetime(), error: z.string() }).optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** What a shared operation needs to write itself down: the journal, who asked, and where it shows. */
export interface Journalled {
  journal: OperationJournal;
  actor: AuditActor;
  message?: JournalEntry['message'];
}

const HEARTBEAT_KEY = (owner: string) => `alive:${owner}`;
const ENTRY_PREFIX = 'op:';

export class OperationJournal {
  /** This process (the same id its leader lease uses, when it has one). */
  readonly owner: string;
  private heartbeat: NodeJS.Timeout | undefined;
  private beatFailing = false;

  constructor(
    private readonly store: Keyv<unknown>,
    private readonly options: { heartbeatMs: number; owner?: string; now?: () => number; onError?: (message: string) => void } = { heartbeatMs: 10_000 },
  ) {
    this.owner = options.owner ?? randomUUID();
  }

  /** Keeps this process's entries its own; a lapsed heartbeat (3 beats missed) makes them leftovers. */
  async start(): Promise<void> {
    const beat = () => this.store.set(HEARTBEAT_KEY(this.owner), true, this.options.heartbeatMs * 3);
    await beat();
    // A heartbeat that keeps failing makes this process's running work look abandoned to the
    // others after three beats: say so once, not on every beat.
    this.heartbeat = setInterval(
      () =>
        void beat().then(
          () => (this.beatFailing = false),
          (error: Error) => {
            if (!this.beatFailing) this.options.onError?.(`operation journal heartbeat failed: ${error.message}`);
            this.beatFailing = true;
          },
        ),
      this.options.heartbeatMs,
    );
    this.heartbeat.unref();
  }

  /**
   * Stops beating; the heartbeat is left to lapse rather than deleted. A command may still be
   * running in the last seconds before the process exits, and deleting the beat would have
   * another replica report it interrupted while it finishes.
   */
  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  async begin(entry: Omit<JournalEntry, 'id' | 'owner' | 'startedAt'>): Promise<string> {
    const id = randomUUID();
    const now = this.options.now?.() ?? Date.now();
    await this.store.set(`${ENTRY_PREFIX}${id}`, journalEntrySchema.parse({ ...entry, id, owner: this.owner, startedAt: new Date(now).toISOString() }));
    return id;
  }

  async end(id: string): Promise<void> {
    await this.store.delete(`${ENTRY_PREFIX}${id}`);
  }

  private async entries(): Promise<JournalEntry[]> {
    if (!this.store.iterator) return [];
    const entries: JournalEntry[] = [];
    for await (const [key, value] of this.store.iterator(undefined)) {
      if (typeof key !== 'string' || !key.startsWith(ENTRY_PREFIX)) continue;
      const parsed = journalEntrySchema.safeParse(value);
      if (parsed.success) entries.push(parsed.data);
    }
    return entries;
  }

  /** Entries nobody will finish: their process is gone (not this one, its heartbeat lapsed), or they stopped on an error. */
  async leftovers(): Promise<JournalEntry[]> {
    const gone: JournalEntry[] = [];
    for (const entry of await this.entries()) {
      if (entry.abandoned || !(await this.isAlive(entry.owner))) gone.push(entry);
    }
    return gone;
  }

  /** Entries still running: their process beats (this one's, or another replica's), and they did not stop on an error. */
  async running(): Promise<JournalEntry[]> {
    const live: JournalEntry[] = [];
    for (const entry of await this.entries()) {
      if (!entry.abandoned && (await this.isAlive(entry.owner))) live.push(entry);
    }
    return live;
  }

  /** Marks an entry as stopped on an error: it stays, so that it is reported as interrupted with where its nodes are. */
  async abandon(id: string, error: string): Promise<void> {
    const entry = journalEntrySchema.safeParse(await this.store.get(`${ENTRY_PREFIX}${id}`));
    if (!entry.success) return;
    const now = this.options.now?.() ?? Date.now();
    await this.store.set(`${ENTRY_PREFIX}${id}`, { ...entry.data, abandoned: { at: new Date(now).toISOString(), error: scrub(error) } });
  }

  /** Whether a process still beats (this one always does); anything it left is its own until it stops. */
  async isAlive(owner: string): Promise<boolean> {
    return owner === this.owner || (await this.store.get(HEARTBEAT_KEY(owner))) !== undefined;
  }

  /**
   * Runs `work` as a journalled operation: written down before, struck off when it ends.
   * With `abandonOnError`, one that throws is left marked abandoned instead, so that whoever
   * reports leftovers says it was interrupted and where its nodes are (it is never run
   * again): for work whose throw can come after it changed something (a rolling restart),
   * not for work that only throws before it writes (a sync's refusal).
   */
  async around<T>(entry: Omit<JournalEntry, 'id' | 'owner' | 'startedAt' | 'abandoned'>, work: () => Promise<T>, options: { abandonOnError?: boolean } = {}): Promise<T> {
    const id = await this.begin(entry);
    try {
      const result = await work();
      await this.end(id).catch(() => undefined);
      return result;
    } catch (error) {
      if (options.abandonOnError) await this.abandon(id, (error as Error)?.message ?? String(error)).catch(() => this.end(id).catch(() => undefined));
      else await this.end(id).catch(() => undefined);
      throw error;
    }
  }
}
