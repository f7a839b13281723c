#!/usr/bin/env node
// The stand-in `openclaw` CLI (src/standin/openclaw-cli.ts) for demos and tests, compiled into dist/.
import { runCompiled } from './run-compiled.js';

const { main } = await runCompiled('src/standin/openclaw-cli.js');
await main();
