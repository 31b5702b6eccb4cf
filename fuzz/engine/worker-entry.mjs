// Entry of a fuzzing worker thread. On Node 20 a worker does not inherit the parent's
// module hooks (nor apply `--import tsx` from its execArgv), so it registers tsx itself,
// then register.ts (Jazzer.js instrumentation, which runs before tsx's hook), then the
// worker proper. Plain JavaScript: nothing can load TypeScript before this runs.
import { register } from 'tsx/esm/api';

register();
await import('./register.ts');
await import('./worker.ts');
