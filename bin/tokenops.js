#!/usr/bin/env node
// The break-glass CLI (src/cli/main.ts), bundled into dist/bin/ by `npm run build` (run by `npm ci`).
import { runCompiled } from './run-compiled.js';

await runCompiled('bin/tokenops.js');
