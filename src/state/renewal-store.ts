import type { Keyv } from 'keyv';
import { z } from 'zod';
import { accountRenewalSchema, type AccountRenewal } from '../domain/renewal-plan.js';

const ACCOUNTS_KEY = 'accounts';
const DOWN_SINCE_KEY = 'down-since';

const accountsSchema = z.record(z.string(), z.unknown());
const downSinceSchema = z.record(z.string(), z.number());

/**
 * What renewal remembers, in keyv beside the alert state: per account its current token,
 * learnt lifetime, failures and the renewal in flight; per node since when it has been
 * unreachable. Only the leader writes it; any replica (and `tokens status`) reads it. It
 * survives a bot restart and a change of leader, so a new leader neither renews an account
 * twice nor forgets that an owner has been down.
 */
export class RenewalStore {
  constructor(private readonly store: Keyv<unknown>) {}

  async accounts(): Promise<Map<string, AccountRenewal>> {
    const raw = accountsSchema.safeParse(await this.store.get(ACCOUNTS_KEY));
    const accounts = new Map<string, AccountRenewal>();
    for (const value of Object.values(raw.success ? raw.data : {})) {
      // One garbled entry costs that account its memory, not every account theirs.
      const parsed = accountRenewalSchema.safeParse(value);
      if (parsed.success) accounts.set(parsed.data.profileId, parsed.data);
    }
    return accounts;
  }

  async saveAccounts(accounts: Iterable<AccountRenewal>): Promise<void> {
    await this.store.set(ACCOUNTS_KEY, Object.fromEntries([...accounts].map((account) => [account.profileId, account])));
  }

  async downSince(): Promise<Record<string, number>> {
    const parsed = downSinceSchema.safeParse(await this.store.get(DOWN_SINCE_KEY));
    return parsed.success ? parsed.data : {};
  }

  async saveDownSince(downSince: Readonly<Record<string, number>>): Promise<void> {
    await this.store.set(DOWN_SINCE_KEY, downSince);
  }
}
