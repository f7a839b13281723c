import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  external_exports
} from "./chunk-HVRUCNZB.js";

// src/state/redis-url.ts
function isRedisUrl(url) {
  return /^rediss?:\/\//.test(url);
}
function redisTarget(url) {
  const parsed = new URL(url);
  const display = `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  let decoded = parsed.password;
  try {
    decoded = decodeURIComponent(parsed.password);
  } catch {
  }
  const secrets = [url, parsed.password, decoded].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  return {
    url,
    display,
    scrub(text) {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join(secret === url ? display : "[redacted]");
      return out;
    }
  };
}

// src/state/ioredis.ts
import { createRequire } from "node:module";
function ioredis() {
  return createRequire(import.meta.url)("ioredis");
}

// src/state/node-lock-store.ts
var lockRecordSchema = external_exports.object({
  /** Known only to the holder: the compare in compare-and-renew / compare-and-delete. */
  token: external_exports.string(),
  operation: external_exports.string(),
  by: external_exports.string(),
  sinceMs: external_exports.number(),
  /** The process holding it (bot replica or CLI run), for a person reading a refusal. */
  owner: external_exports.string()
});
var MemoryNodeLockStore = class {
  constructor(now = Date.now) {
    this.now = now;
  }
  now;
  shared = false;
  held = /* @__PURE__ */ new Map();
  live(node) {
    const entry = this.held.get(node);
    if (entry && entry.expiresAtMs <= this.now()) this.held.delete(node);
    return this.held.get(node)?.record;
  }
  async take(node, record, ttlMs) {
    const holder = this.live(node);
    if (holder && holder.token !== record.token) return holder;
    this.held.set(node, { record, expiresAtMs: this.now() + ttlMs });
    return null;
  }
  async renew(node, token, ttlMs) {
    const holder = this.live(node);
    if (holder?.token !== token) return false;
    this.held.set(node, { record: holder, expiresAtMs: this.now() + ttlMs });
    return true;
  }
  async release(node, token) {
    if (this.live(node)?.token === token) this.held.delete(node);
  }
  async holder(node) {
    return this.live(node);
  }
  async close() {
  }
};

export {
  ioredis,
  isRedisUrl,
  redisTarget,
  lockRecordSchema,
  MemoryNodeLockStore
};
