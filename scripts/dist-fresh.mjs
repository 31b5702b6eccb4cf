// Whether dist/ (the compiled desk) is at least as new as every file under src/. Used by
// bin/madoguchi.js (run dist/ or fall back to the sources) and scripts/build.mjs --if-stale.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function compiledIsFresh(root) {
  let stamp;
  try {
    stamp = statSync(join(root, 'dist/.stamp')).mtimeMs;
  } catch {
    return false;
  }
  for (const e of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (e.isFile() && statSync(join(e.parentPath, e.name)).mtimeMs > stamp) return false;
  }
  return true;
}
