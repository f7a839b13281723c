import { plantedSecrets } from './state-dir.js';

/** Every planted secret (token, refresh token, key) found in the given texts. */
export function findSecrets(texts: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const secret of plantedSecrets) if (text.includes(secret)) found.add(secret.slice(0, 12) + '…');
  }
  return [...found];
}
