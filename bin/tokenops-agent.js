#!/usr/bin/env -S node --max-semi-space-size=1
// The node agent (src/agent/main.ts), bundled into dist/bin/ by `npm run build` (run by `npm ci`).
import { runCompiled } from './run-compiled.js';

await runCompiled('bin/tokenops-agent.js');
