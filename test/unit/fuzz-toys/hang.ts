// Two ways a parser hangs: a loop that never ends on some input, and a regular
// expression that backtracks exponentially (ReDoS). Both run synchronously: nothing
// inside the thread can notice the time; the supervisor must stop it from outside.
export function hangToy(d: Uint8Array): number {
  if (d[0] === 0x48) {
    let n = 0;
    for (;;) n = (n + d.length) | 0;
  }
  const s = Buffer.from(d).toString('latin1');
  return /^R(a+)+b$/.test(s) ? 1 : 0;
}
