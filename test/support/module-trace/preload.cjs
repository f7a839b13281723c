// `node --require <this>`: which modules a process loads, into TOKENOPS_MODULE_TRACE, one line
// per load: the thread (0 = main) and the module's URL. ES modules through the loader hooks
// beside this file; CommonJS ones (a CJS package's own requires never pass the ES loader) by
// wrapping the CommonJS loader. Both append as each module loads: a terminated worker or a
// process killed by a signal loses nothing. Workers run this too (they inherit --require).
const { appendFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { isMainThread, threadId } = require('node:worker_threads');

const file = process.env.TOKENOPS_MODULE_TRACE;
if (file) {
  if (isMainThread) writeFileSync(file, '');
  Module.register(pathToFileURL(path.join(__dirname, 'hooks.mjs')).href, { data: { file, threadId } });
  const load = Module._load;
  Module._load = function traced(request, parent, isMain) {
    let resolved;
    try {
      resolved = Module._resolveFilename(request, parent, isMain);
    } catch {
      // Not found: the real load below throws what it always throws.
    }
    if (resolved && path.isAbsolute(resolved)) appendFileSync(file, `${threadId} ${pathToFileURL(resolved).href}\n`);
    return load.apply(this, arguments);
  };
}
