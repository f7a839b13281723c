import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { LEADER_KEY } from '../state/coordination.js';
import { ioredis } from '../state/ioredis.js';
import { isRedisUrl, redisTarget } from '../state/redis-url.js';
import { fail, pass, warn, type CheckLine } from './check-line.js';

/*
 * The doctor's state checks. SQLite: the file (or, before the first start, the folder it
 * will be made in) is writable by this user; nothing is created. Redis: it answers, takes a write (a probe key
 * that expires in 10 s, deleted at once), and which bot replica leads.
 */

const S = 'state' as const;

export async function stateChecks(url: string): Promise<CheckLine[]> {
  if (url.startsWith('sqlite://')) return [await sqliteCheck(path.resolve(url.slice('sqlite://'.length)))];
  if (isRedisUrl(url)) return redisChecks(url);
  return [fail(S, 'store', `TOKENOPS_STATE is neither sqlite:// nor redis://`, 'set TOKENOPS_STATE=sqlite://./data/tokenops.sqlite (one bot) or redis://host:6379 (replicas)')];
}

async function sqliteCheck(file: string): Promise<CheckLine> {
  const writable = (target: string) => access(target, constants.W_OK).then(() => true, () => false);
  const exists = await access(file).then(() => true, () => false);
  if (exists) {
    return (await writable(file)) ? pass(S, 'store', `${file}: writable`) : fail(S, 'store', `${file}: not writable by this user`, `run the bot as the user that owns ${file} (or chown it to that user)`);
  }
  // The bot creates the file and any folder missing above it: the nearest folder that exists must be writable.
  let dir = path.dirname(file);
  while (!(await access(dir).then(() => true, () => false)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (await writable(dir)) return pass(S, 'store', `${file}: not created yet; the bot creates it at its first start (${dir} is writable)`);
  return fail(S, 'store', `${file} does not exist and ${dir} is not writable, so the bot cannot create it`, `make ${dir} writable by the user the bot runs as, or point TOKENOPS_STATE elsewhere`);
}

async function redisChecks(url: string): Promise<CheckLine[]> {
  const target = redisTarget(url);
  const { Redis } = ioredis();
  const redis = new Redis(target.url, { maxRetriesPerRequest: 1, connectTimeout: 3000, lazyConnect: true, retryStrategy: () => null, connectionName: 'tokenops-doctor' });
  // The connection's own error says why (ECONNREFUSED, NOAUTH); the rejected command only that it closed.
  let lastError = '';
  redis.on('error', (error: Error) => (lastError = error.message));
  try {
    await redis.connect();
    const probe = `tokenops:doctor:probe:${process.pid}`;
    await redis.set(probe, '1', 'PX', 10_000);
    await redis.del(probe);
    const lines = [pass(S, 'store', `${target.display}: reachable and writable`)];
    const [leader, ttl] = await Promise.all([redis.get(LEADER_KEY), redis.pttl(LEADER_KEY)]);
    lines.push(leader ? pass(S, 'leader', `replica ${leader} leads (lease ${Math.max(0, ttl)} ms left)`) : warn(S, 'leader', 'no replica leads: no bot is running on this state', 'start the bot (npm start, or its service)'));
    return lines;
  } catch (error) {
    return [fail(S, 'store', `${target.display}: ${target.scrub(lastError || (error as Error).message)}`, 'start Redis or correct TOKENOPS_STATE (redis://host:6379); a replica that only reads will not do')];
  } finally {
    redis.disconnect();
  }
}
