// The runtime side of Jazzer.js's ES-module instrumentation (@jazzer.js/instrumentor's
// esm-loader.mjs). Instrumented modules call, on the thread that runs them:
//   Fuzzer.coverageTracker.createModuleCounters(n)  once per module: its edge counters
//   Fuzzer.tracer.traceStrCmp / traceNumberCmp / traceAndReturn  around comparisons
//   __jazzer_registerSourceMap(file, map)           for stack traces
// Jazzer.js forwards these to libFuzzer's native addon, which does not load on this
// machine (it needs glibc 2.38); here they feed our own engine (./engine.ts) instead:
// edge counters for coverage guidance, compared string constants for its dictionary.

/** AFL-style hit-count buckets: a loop running 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+ times is new coverage each. */
const BUCKET = new Uint8Array(256);
for (let i = 1; i < 256; i++) BUCKET[i] = i === 1 ? 1 : i === 2 ? 2 : i === 3 ? 4 : i < 8 ? 8 : i < 16 ? 16 : i < 32 ? 32 : i < 128 ? 64 : 128;

export class CoverageMap {
  readonly modules: Uint8Array[] = [];
  /** Per module and edge, the buckets ever seen. */
  private readonly seen: Uint8Array[] = [];

  createModuleCounters(n: number): Uint8Array {
    const counters = new Uint8Array(n);
    this.modules.push(counters);
    this.seen.push(new Uint8Array(n));
    return counters;
  }

  /** Edges (with their hit-count bucket) hit since the last reset that were never seen; records them and resets the counters. */
  collectNew(): number {
    let fresh = 0;
    for (let m = 0; m < this.modules.length; m++) {
      const c = this.modules[m]!;
      const s = this.seen[m]!;
      for (let i = 0; i < c.length; i++) {
        const v = c[i]!;
        if (v === 0) continue;
        const b = BUCKET[v]!;
        if ((s[i]! & b) === 0) {
          s[i] = s[i]! | b;
          fresh++;
        }
      }
      c.fill(0);
    }
    return fresh;
  }

  reset(): void {
    for (const c of this.modules) c.fill(0);
  }

  /** Distinct edges ever hit. */
  edgesSeen(): number {
    let n = 0;
    for (const s of this.seen) for (let i = 0; i < s.length; i++) if (s[i] !== 0) n++;
    return n;
  }

  edgesTotal(): number {
    return this.modules.reduce((a, c) => a + c.length, 0);
  }
}

/**
 * Comparison tracing. The instrumentation replaces `x === 'literal'` by a call that must
 * return exactly what the comparison would; the other operand is a token the input may
 * need (a header name, a boundary keyword), so it goes to the dictionary (libFuzzer's
 * "value profile"/CMP dictionary, in small).
 */
export class Tracer {
  readonly tokens = new Set<string>();
  private static readonly MAX_TOKENS = 2048;

  private note(a: unknown, b: unknown): void {
    for (const v of [a, b]) {
      if (typeof v !== 'string' || v.length < 2 || v.length > 64 || this.tokens.has(v)) continue;
      if (this.tokens.size >= Tracer.MAX_TOKENS) return;
      this.tokens.add(v);
    }
  }

  traceStrCmp(a: unknown, b: unknown, op: string, _id: number): boolean {
    const r = compare(a, b, op);
    if (!r || op === '!=' || op === '!==') this.note(a, b);
    return r;
  }

  traceNumberCmp(a: unknown, b: unknown, op: string, _id: number): boolean {
    return compare(a, b, op);
  }

  traceAndReturn(current: unknown, target: unknown, _id: number): unknown {
    if (current !== target) this.note(undefined, target);
    return target;
  }
}

// Exactly the operator the instrumented code had (its loose == included).
function compare(a: unknown, b: unknown, op: string): boolean {
  switch (op) {
    case '==':
      return a == b;
    case '===':
      return a === b;
    case '!=':
      return a != b;
    case '!==':
      return a !== b;
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
    default:
      throw new Error(`unknown comparison operator ${op}`);
  }
}

export interface FuzzRuntime {
  coverageTracker: CoverageMap;
  tracer: Tracer;
}

declare global {
  var Fuzzer: FuzzRuntime | undefined;
  var __jazzer_registerSourceMap: ((file: string, map: unknown) => void) | undefined;
}

/** The runtime of this thread, installed by register.ts before any instrumented module loads. */
export function runtime(): FuzzRuntime | undefined {
  return globalThis.Fuzzer;
}
