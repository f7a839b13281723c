#!/usr/bin/env node
// TOKENOPS_CONFIG_SET_CMD for the real-OpenClaw demo and the conformance suite: the real `openclaw config set` of one
// pinned version, on Node 24, with the agent's environment (OPENCLAW_STATE_DIR, HOME…).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [version, ...args] = process.argv.slice(2);
const cache = process.env.TOKENOPS_OPENCLAW_CACHE ?? path.join(os.homedir(), '.cache', 'tokenops-openclaw');
const manifest = JSON.parse(readFileSync(path.join(cache, 'manifest.json'), 'utf8'));
const result = spawnSync(manifest.node, [manifest.openclaw[version].entry, 'config', 'set', ...args], { stdio: 'inherit', env: process.env });
process.exit(result.status ?? 1);
