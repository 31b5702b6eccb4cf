// What the supervisor (supervisor.ts) and a fuzzing worker (worker.ts) share.
// The worker writes each input into shared memory before running it, so when it hangs
// or runs out of memory the supervisor still has the input that did it.

export const CTRL_BYTES = 32;
/** Int32 slots of the control buffer. */
export const STATE = 0; // 0 idle, 1 running an input
export const LEN = 1; // length of the input in the input buffer
export const STOP = 2; // set by the supervisor: finish the current input and say done
export const EXECS = 3; // inputs run so far by this worker (read after a hang or a crash of the thread)
/** Float64 slot (byte offset 16): Date.now() when the current input started. */
export const STARTED_F64 = 2;

export interface WorkerConfig {
  targetFile: string;
  targetName: string;
  corpusDir: string | null;
  maxLen: number;
  noCoverage: boolean;
  rngSeed: number;
  maxExecs: number;
  /** sha1 of inputs that hung or ran out of memory before: not run again after a restart. */
  skip: string[];
  ctrl: SharedArrayBuffer;
  input: SharedArrayBuffer;
}

export interface Stats {
  execs: number;
  corpus: number;
  edges: number;
  edgesTotal: number;
  tokens: number;
}

export type WorkerMessage =
  | { type: 'ready'; seeds: number }
  | { type: 'stats'; stats: Stats }
  | { type: 'crash'; input: Uint8Array; signature: string; detail: string }
  | { type: 'done'; stats: Stats };
