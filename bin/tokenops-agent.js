#!/usr/bin/env node
// The node agent (src/agent/main.ts), compiled into dist/ by `npm run build` (run by `npm ci`).
import { runCompiled } from './run-compiled.js';

await runCompiled('src/agent/main.js');
