// ESM loader hooks (module.register): every module an ES import loads, appended to a file
// with the thread that registered these hooks, synchronously, before the module is handed
// over, so nothing is lost when the process exits or a worker is terminated.
import { appendFileSync } from 'node:fs';

let file;
let thread;

export function initialize(data) {
  file = data.file;
  thread = data.threadId;
}

export async function load(url, context, nextLoad) {
  appendFileSync(file, `${thread} ${url}\n`);
  return nextLoad(url, context);
}
