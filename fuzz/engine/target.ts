// What a fuzz target (fuzz/<name>.fuzz.ts) exports as `target`.

export interface FuzzTarget {
  /** What the reading path promises for any input, in one line (printed with findings). */
  promise: string;
  /** Starting inputs (real mail, forms, armor). */
  seeds(): Uint8Array[] | Promise<Uint8Array[]>;
  /** Tokens the mutator inserts (boundaries, header names, armor lines, labels, keywords). */
  dictionary: readonly string[];
  /** Called once per worker before the first input (load keys...). */
  setup?(): Promise<void>;
  /**
   * Runs one input. Returning normally (whatever the verdict) is fine; an exception
   * escaping it is a finding, so a target catches exactly the errors its API promises.
   */
  run(data: Uint8Array): void | Promise<void>;
  /** Inputs above this are cut (bytes). */
  maxLen?: number;
  /**
   * Instrument these too (paths from the project root, e.g. 'node_modules/openpgp/'):
   * coverage inside a library the target drives rewards inputs that go deeper into it.
   */
  instrument?: readonly string[];
  /** Per-input time limit (ms); longer is a hang. */
  timeoutMs?: number;
}
