import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryPoint } from '../../src/runtime/entry-point.js';

/*
 * `npm run invite`: the URL with the bot and commands scopes and exactly the permission bits
 * tokenops uses, from the argument or DISCORD_CLIENT_ID in .env; a missing or malformed id
 * is a usage error (exit 2) that says where to find it.
 */

function invite(args: string[], dotEnv?: string) {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'tokenops-invite-'));
  if (dotEnv !== undefined) writeFileSync(path.join(cwd, '.env'), dotEnv);
  const { file, execArgv } = entryPoint('src/bot/invite.ts');
  return spawnSync(process.execPath, [...execArgv, file, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
}

describe('npm run invite', () => {
  it('from the argument: the URL and what each permission is for', () => {
    const run = invite(['1300000000000000042']);
    expect(run.status).toBe(0);
    const [url, ...rest] = run.stdout.split('\n');
    expect(url).toBe('https://discord.com/oauth2/authorize?client_id=1300000000000000042&scope=bot+applications.commands&permissions=117824');
    expect(rest.join('\n')).toContain('Add Reactions: to take a confirmation (the ✅ under a plan)');
    expect(rest.filter((line) => /^ {2}\S/.test(line))).toHaveLength(6);
  });

  it('from DISCORD_CLIENT_ID in .env, nothing else set', () => {
    const run = invite([], 'DISCORD_CLIENT_ID=1300000000000000043\n');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('client_id=1300000000000000043&');
  });

  it('no id, or not an id: exit 2, saying where to find it', () => {
    for (const run of [invite([]), invite(['my-bot'])]) {
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^tokenops-invite: DISCORD_CLIENT_ID: /);
      expect(run.stderr).toContain('npm run invite -- <id>');
    }
    expect(invite(['my-bot']).stderr).toContain('expected a Discord id (17–20 digits)');
  });
});
