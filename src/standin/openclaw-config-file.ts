import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { writeFileDurably } from '../agent/store/atomic-file.js';
import { openclawConfigPath } from '../agent/openclaw-config.js';

/*
 * openclaw.json as the stand-in CLI and gateway change it, the way OpenClaw does: parse the
 * JSON5, change it, keep the previous text as openclaw.json.bak, write plain JSON (comments
 * are lost: that is OpenClaw's doing, and why tokenops never edits the file itself).
 */

export type OpenClawConfig = Record<string, unknown>;

/** The file's text, or null when there is none. */
export function readConfigText(stateDir: string): string | null {
  try {
    return readFileSync(openclawConfigPath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The config in `text` (none is empty); throws SyntaxError for text that is no JSON5 object. */
export function parseConfig(text: string | null): OpenClawConfig {
  if (text === null) return {};
  const parsed: unknown = JSON5.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('openclaw.json is not a JSON5 object');
  return parsed as OpenClawConfig;
}

/** What OpenClaw's config.get answers as `hash`: the revision a patch must be based on. */
export function configHash(text: string | null): string {
  return `sha256:${createHash('sha256').update(text ?? '').digest('hex')}`;
}

export function valueAt(config: OpenClawConfig, dottedPath: string): unknown {
  return dottedPath.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as OpenClawConfig)[key] : undefined), config);
}

/** RFC 7386 merge patch, as config.patch applies it: objects merge, anything else replaces, null deletes. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const merged: OpenClawConfig = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as OpenClawConfig) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = mergePatch(merged[key], value);
  }
  return merged;
}

/** Writes `config` over `previousText`, which is kept as openclaw.json.bak; returns the text written. */
export async function writeConfig(stateDir: string, config: OpenClawConfig, previousText: string | null): Promise<string> {
  const file = openclawConfigPath(stateDir);
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (previousText !== null) await writeFileDurably(`${file}.bak`, previousText);
  await writeFileDurably(file, text);
  return text;
}
