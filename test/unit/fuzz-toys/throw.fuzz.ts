import type { FuzzTarget } from '../../../fuzz/engine/target.ts';
import { fieldsToy } from './throw.ts';

export const target: FuzzTarget = {
  promise: 'fieldsToy never throws',
  seeds: () => [Buffer.from('key: value')],
  dictionary: [':'],
  run: (d) => void fieldsToy(d),
  maxLen: 64,
};
