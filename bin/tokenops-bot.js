#!/usr/bin/env node
// Runs the Discord bot's TypeScript sources through tsx, so the installed bin needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/bot/main.ts');
