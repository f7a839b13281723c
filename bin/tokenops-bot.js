#!/usr/bin/env node
// The Discord bot (src/bot/main.ts), compiled into dist/ by `npm run build` (run by `npm ci`).
import { runCompiled } from './run-compiled.js';

await runCompiled('src/bot/main.js');
