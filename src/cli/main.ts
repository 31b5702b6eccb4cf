// Command-line entry point. Exit codes: 0 when a verdict was printed (hostile input
// included), 2 for bad usage (mail-protocol.md §5), 1 for an internal error.
import { Command, CommanderError } from 'commander';
import { runInspect, UsageError, type InspectCliOptions } from './inspect.ts';
import { runCaseCommand, runDeliver, runJobsFailed, runJobsRetry, runStart } from './desk.ts';
import { registerCaseCommands } from './cases.ts';
import { registerVendorCommands } from './vendors.ts';
import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { openDb } from '../store/db.ts';

export async function main(argv: string[]): Promise<number> {
  const out = (s: string): void => void process.stdout.write(s + '\n');
  const err = (s: string): void => void process.stderr.write(s + '\n');
  let code = 0;
  const program = new Command('madoguchi')
    .description('madoguchi (窓口): a coordinated vulnerability disclosure desk by mail')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  program
    .command('inspect')
    .description('diagnose one raw message: decryption, signatures, form (changes nothing)')
    .argument('<file>', 'raw RFC 5322 message (.eml)')
    .option('--keys <dir>', 'directory of armored keys (*.asc), public and secret')
    .option('--json', 'print the mail-protocol §5 JSON')
    .option('--max-decompressed-mb <n>', 'cap on decompressed plaintext (default 25)')
    .option('--max-message-mb <n>', 'cap on the raw message (default 25)')
    .action(async (file: string, opts: InspectCliOptions) => {
      code = await runInspect(file, opts, out, err);
    });

  program
    .command('start')
    .description('run the desk (configuration: config/default.yaml, config/local.yaml, environment)')
    .action(async () => {
      code = await runStart(out, err);
    });

  program
    .command('deliver')
    .description('read one message on standard input into the desk\'s Maildir inbox (an MTA pipe transport); exit 75 on a temporary failure')
    .action(async () => {
      code = await runDeliver(err);
    });

  const jobs = program.command('jobs').description('the job queue');
  jobs
    .command('failed')
    .description('list jobs that failed for good')
    .action(async () => {
      code = await runJobsFailed(out, err);
    });
  jobs
    .command('retry')
    .argument('<id>', 'job id (from `jobs failed`)')
    .description('retry a failed job')
    .action(async (id: string) => {
      code = await runJobsRetry(id, out, err);
    });

  program
    .command('case')
    .description('apply a coordinator command to a case, e.g. `case VR-2026-0042 add-vendor acme` (docs/commands.md)')
    .argument('<args...>', 'case id, command and its arguments')
    .allowUnknownOption()
    .action(async (args: string[]) => {
      code = await runCaseCommand(args, out, err);
    });

  const storeDeps = {
    openDb: async () => {
      const cfg = loadConfig();
      return openDb(cfg.store.databaseUrl ? { databaseUrl: cfg.store.databaseUrl } : { dataDir: resolve(cfg.store.dataDir) });
    },
    out,
    err,
    setCode: (n: number) => {
      code = n;
    },
  };
  registerVendorCommands(program, storeDeps);
  registerCaseCommands(program, storeDeps);

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      err(`madoguchi: ${e.message}`);
      return 2;
    }
    err(`madoguchi: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
  return code;
}
