// Byte-level mutations in the manner of libFuzzer/AFL "havoc": a handful stacked on one
// corpus input, plus splicing two inputs and inserting dictionary tokens. Mail is text
// with structure in lines, so there are line mutations too (duplicate, drop, swap lines,
// LF <-> CRLF) and number mutations (lengths, counts, dates).

/** mulberry32: small, fast, seedable (runs are reproducible with --seed). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** 0 <= n < max */
  below(max: number): number {
    return max <= 0 ? 0 : this.next() % max;
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x0d, 0x09, 0x20, 0x2d, 0x3d, 0x3a, 0x3b, 0x22, 0x5c, 0x1b, 0x3f, 0x2f, 0x30, 0x39];
const NUMBERS = ['0', '-1', '1', '255', '256', '65535', '65536', '4294967296', '99999999999999999999', '1e308', 'NaN'];

const enc = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function lineStarts(d: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < d.length && starts.length < 4096; i++) if (d[i] === 0x0a) starts.push(i + 1);
  return starts;
}

export class Mutator {
  constructor(
    private readonly rng: Rng,
    /** Called each time: the target's dictionary plus tokens the tracer saw compared. */
    private readonly tokens: () => readonly string[],
    private readonly maxLen: number,
  ) {}

  private token(): Uint8Array {
    const t = this.tokens();
    if (t.length === 0 || this.rng.chance(0.1)) return enc.encode(this.rng.pick(NUMBERS));
    return enc.encode(this.rng.pick(t));
  }

  /** One mutation; `other` is a second corpus input for splicing. */
  private once(d: Uint8Array, other: Uint8Array): Uint8Array {
    const r = this.rng;
    const pos = r.below(d.length + 1);
    switch (r.below(14)) {
      case 0: {
        if (d.length === 0) return d;
        const c = d.slice();
        const i = r.below(c.length);
        c[i] = c[i]! ^ (1 << r.below(8));
        return c;
      }
      case 1: {
        if (d.length === 0) return d;
        const c = d.slice();
        c[r.below(c.length)] = r.chance(0.5) ? r.pick(INTERESTING) : r.below(256);
        return c;
      }
      case 2: {
        // delete a range: mostly short, sometimes large
        if (d.length === 0) return d;
        const len = 1 + r.below(r.chance(0.8) ? 16 : d.length);
        return concat(d.subarray(0, pos), d.subarray(Math.min(d.length, pos + len)));
      }
      case 3: {
        const ins = new Uint8Array(1 + r.below(16));
        for (let i = 0; i < ins.length; i++) ins[i] = r.chance(0.5) ? r.pick(INTERESTING) : r.below(256);
        return concat(d.subarray(0, pos), ins, d.subarray(pos));
      }
      case 4: {
        // duplicate a chunk somewhere (repeats: boundaries, nesting)
        if (d.length === 0) return d;
        const from = r.below(d.length);
        const chunk = d.subarray(from, from + 1 + r.below(Math.min(512, d.length - from)));
        return concat(d.subarray(0, pos), chunk, d.subarray(pos));
      }
      case 5:
      case 6:
        return concat(d.subarray(0, pos), this.token(), d.subarray(pos));
      case 7: {
        const t = this.token();
        return concat(d.subarray(0, pos), t, d.subarray(Math.min(d.length, pos + t.length)));
      }
      case 8: {
        // splice: head of this input, tail of another
        const cut = r.below(other.length + 1);
        return concat(d.subarray(0, pos), other.subarray(cut));
      }
      case 9: {
        // a token on a line of its own (header lines, armor lines, commands)
        const starts = lineStarts(d);
        const at = r.pick(starts);
        return concat(d.subarray(0, at), this.token(), enc.encode(r.chance(0.5) ? '\r\n' : '\n'), d.subarray(at));
      }
      case 10: {
        // duplicate, drop or swap whole lines
        const starts = lineStarts(d);
        if (starts.length < 2) return d;
        const i = r.below(starts.length - 1);
        const line = d.subarray(starts[i], starts[i + 1]);
        const op = r.below(3);
        if (op === 0) return concat(d.subarray(0, starts[i + 1]), line, d.subarray(starts[i + 1]));
        if (op === 1) return concat(d.subarray(0, starts[i]), d.subarray(starts[i + 1]));
        const j = r.below(starts.length - 1);
        const other2 = d.subarray(starts[j], starts[j + 1]);
        return i === j ? d : concat(d.subarray(0, starts[i]), other2, d.subarray(starts[i + 1]));
      }
      case 11: {
        // newline style: one LF <-> CRLF, or all of them
        const s = Buffer.from(d).toString('latin1');
        if (r.chance(0.2)) return enc.encode(r.chance(0.5) ? s.replace(/\r\n/g, '\n') : s.replace(/\r?\n/g, '\r\n'));
        const i = s.indexOf('\n', pos);
        if (i < 0) return d;
        return i > 0 && s[i - 1] === '\r' ? concat(d.subarray(0, i - 1), d.subarray(i)) : concat(d.subarray(0, i), enc.encode('\r'), d.subarray(i));
      }
      case 12: {
        // replace a run of digits by another number
        const s = Buffer.from(d).toString('latin1');
        const m = /\d+/g;
        m.lastIndex = pos;
        const hit = m.exec(s);
        if (!hit) return d;
        return concat(d.subarray(0, hit.index), enc.encode(r.chance(0.5) ? r.pick(NUMBERS) : String(r.below(100000))), d.subarray(hit.index + hit[0].length));
      }
      default:
        // truncate
        return d.subarray(0, pos);
    }
  }

  mutate(d: Uint8Array, other: Uint8Array): Uint8Array {
    let out = d;
    const n = 1 << this.rng.below(4); // 1, 2, 4 or 8 stacked mutations
    for (let i = 0; i < n; i++) out = this.once(out, other);
    return out.length > this.maxLen ? out.subarray(0, this.maxLen) : out;
  }
}
