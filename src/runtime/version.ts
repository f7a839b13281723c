import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './entry-point.js';

/** This checkout's tokenops version (package.json), as agents report it and the bot compares it. */
export const TOKENOPS_VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
