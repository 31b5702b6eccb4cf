import type { FuzzTarget } from '../../../fuzz/engine/target.ts';
import { memoryToy } from './oom.ts';

export const target: FuzzTarget = {
  promise: 'memoryToy stays within memory',
  seeds: () => [Buffer.from('hello'), Buffer.from('Memory')],
  dictionary: [],
  run: (d) => void memoryToy(d),
  maxLen: 64,
};
