// Unbounded memory: an input that says "M" grows a list without end (a decompression
// bomb, a recursion that keeps copies). The worker's heap limit must catch it.
export function memoryToy(d: Uint8Array): number {
  if (d[0] !== 0x4d) return 0;
  const keep: number[][] = [];
  for (;;) keep.push(new Array<number>(1 << 16).fill(d.length));
}
