// Bad usage of the command line (exit code 2, mail-protocol §5): its own module so that
// main.ts can recognise it without loading any command.
export class UsageError extends Error {}
