import type { FuzzTarget } from '../../../fuzz/engine/target.ts';
import { parseToy } from './magic.ts';

export const target: FuzzTarget = {
  promise: 'parseToy never throws',
  seeds: () => [new TextEncoder().encode('hello, world')],
  dictionary: [],
  run: (d) => void parseToy(d),
  maxLen: 64,
};
