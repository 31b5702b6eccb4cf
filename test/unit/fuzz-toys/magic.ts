// A planted bug behind a 4-byte magic and a length check, tested one byte at a time (as
// parsers test signatures): random inputs reach it with probability about 2^-32 per
// try, coverage guidance one byte at a time.
export function parseToy(d: Uint8Array): number {
  if (d.length < 6) return 0;
  if (d[0] === 0x4d) {
    if (d[1] === 0x49) {
      if (d[2] === 0x4d) {
        if (d[3] === 0x45) {
          if (d[4]! > 0xf0) throw new RangeError('planted bug reached');
          return 2;
        }
      }
    }
    return 1;
  }
  return 0;
}
