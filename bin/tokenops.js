#!/usr/bin/env node
// The break-glass CLI (src/cli/main.ts), run through tsx, so the installed bin needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
