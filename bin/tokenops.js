#!/usr/bin/env node
// The break-glass CLI (src/cli/main.ts), compiled into dist/ by `npm run build` (run by `npm ci`).
import { runCompiled } from './run-compiled.js';

await runCompiled('src/cli/main.js');
