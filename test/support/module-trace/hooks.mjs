// ESM loader hooks (module.register): every module an ES import loads, appended to a file,
// synchronously, before the module is handed over, so nothing is lost when the process exits.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
