import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** shared/ sits beside the checkout (../shared); CI clones main with shared/ beside it. */
export const SHARED = [join(ROOT, '..', 'shared'), join(ROOT, 'shared')].find((p) => existsSync(p)) ?? join(ROOT, '..', 'shared');
export const INTEROP = join(SHARED, 'interop');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'gen');
