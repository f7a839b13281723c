#!/usr/bin/env node
// The stand-in `openclaw` CLI (src/standin/openclaw-cli.ts) for demos and tests, via tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/standin/openclaw-cli.ts');
await main();
