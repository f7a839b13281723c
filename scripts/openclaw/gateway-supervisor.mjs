#!/usr/bin/env node
// A small supervisor standing in for systemd's openclaw-gateway.service in the demo and the conformance
// suite: `start|restart|stop <version> <stateRoot> <port>` runs the real
// `openclaw gateway run --allow-unconfigured --auth none --bind loopback --port P`
// detached on Node 24, its pid in <stateRoot>/gateway.pid, its output in <stateRoot>/gateway.out.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [command, version, root, port] = process.argv.slice(2);
const cache = process.env.TOKENOPS_OPENCLAW_CACHE ?? path.join(os.homedir(), '.cache', 'tokenops-openclaw');
const manifest = JSON.parse(readFileSync(path.join(cache, 'manifest.json'), 'utf8'));
const pidFile = path.join(root, 'gateway.pid');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function stop() {
  let pid;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  if (alive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; alive(pid) && waited < 15000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

function start() {
  const out = openSync(path.join(root, 'gateway.out'), 'a');
  // OPENCLAW_NO_RESPAWN=1, as OpenClaw's docs advise for a systemd unit on a small host: a
  // restart OpenClaw is asked for (gateway.restart.request) stays in its process, so the pid
  // this supervisor keeps stays the gateway's.
  const env = { ...process.env, HOME: path.join(root, 'home'), OPENCLAW_STATE_DIR: path.join(root, 'state'), TMPDIR: path.join(root, 'tmp'), NO_COLOR: '1', OPENCLAW_NO_RESPAWN: '1' };
  const child = spawn(manifest.node, [manifest.openclaw[version].entry, 'gateway', 'run', '--allow-unconfigured', '--auth', 'none', '--bind', 'loopback', '--port', port], { detached: true, stdio: ['ignore', out, out], env, cwd: root });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  process.stdout.write(`gateway ${version} pid ${child.pid} on ${port}\n`);
}

if (command === 'stop' || command === 'restart') await stop();
if (command === 'start' || command === 'restart') start();
