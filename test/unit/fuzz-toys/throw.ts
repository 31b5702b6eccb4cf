// A typical parser bug: a field read past the end of a split (TypeError on undefined).
export function fieldsToy(d: Uint8Array): number {
  const fields = Buffer.from(d).toString('latin1').split(':');
  if (fields.length < 3) return 0;
  const f = fields[5] as string; // wrong: assumes six fields once there are three
  return f.length;
}
