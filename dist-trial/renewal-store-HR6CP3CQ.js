import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  accountRenewalSchema
} from "./chunk-44LPVHFG.js";
import {
  external_exports
} from "./chunk-HVRUCNZB.js";

// src/state/renewal-store.ts
var ACCOUNTS_KEY = "accounts";
var DOWN_SINCE_KEY = "down-since";
var accountsSchema = external_exports.record(external_exports.string(), external_exports.unknown());
var downSinceSchema = external_exports.record(external_exports.string(), external_exports.number());
var RenewalStore = class {
  constructor(store) {
    this.store = store;
  }
  store;
  async accounts() {
    const raw = accountsSchema.safeParse(await this.store.get(ACCOUNTS_KEY));
    const accounts = /* @__PURE__ */ new Map();
    for (const value of Object.values(raw.success ? raw.data : {})) {
      const parsed = accountRenewalSchema.safeParse(value);
      if (parsed.success) accounts.set(parsed.data.profileId, parsed.data);
    }
    return accounts;
  }
  async saveAccounts(accounts) {
    await this.store.set(ACCOUNTS_KEY, Object.fromEntries([...accounts].map((account) => [account.profileId, account])));
  }
  async downSince() {
    const parsed = downSinceSchema.safeParse(await this.store.get(DOWN_SINCE_KEY));
    return parsed.success ? parsed.data : {};
  }
  async saveDownSince(downSince) {
    await this.store.set(DOWN_SINCE_KEY, downSince);
  }
};
export {
  RenewalStore
};
