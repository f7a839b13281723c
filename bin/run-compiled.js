// Shared by the bins: import an entry point from dist/, or say how to build it when it is not there.
import { existsSync } from 'node:fs';

export async function runCompiled(file) {
  const url = new URL(`../dist/${file}`, import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write(`tokenops is not built (no dist/${file}): run \`npm run build\` in ${new URL('..', import.meta.url).pathname}\n`);
    process.exit(1);
  }
  return import(url.href);
}
