import type { FuzzTarget } from '../../../fuzz/engine/target.ts';
import { hangToy } from './hang.ts';

export const target: FuzzTarget = {
  promise: 'hangToy returns',
  // Both seeds hang (the loop; a backtracking that would outlast the universe): the
  // supervisor must stop each, save it, restart the worker and go on without it.
  seeds: () => [Buffer.from('Hello'), Buffer.from(`R${'a'.repeat(40)}!`), Buffer.from('hello')],
  dictionary: [],
  run: (d) => void hangToy(d),
  maxLen: 64,
  timeoutMs: 1000,
};
