// `node --require <this>`: which modules a process loads, into TOKENOPS_MODULE_TRACE. ES
// modules through the loader hooks beside this file; CommonJS ones (a CJS package's own
// requires never pass the ES loader) from require.cache when the process exits.
const { appendFileSync, writeFileSync } = require('node:fs');
const { register } = require('node:module');
const { isMainThread } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

const file = process.env.TOKENOPS_MODULE_TRACE;
if (file) {
  // Workers run this too (they inherit the --require): they add to the main thread's trace.
  if (isMainThread) writeFileSync(file, '');
  register(pathToFileURL(`${__dirname}/hooks.mjs`).href, { data: { file } });
  process.on('exit', () => {
    appendFileSync(file, Object.keys(require.cache).map((path) => `${pathToFileURL(path).href}\n`).join(''));
  });
}
