// Command-line entry point. Exit codes: 0 when a verdict was printed (hostile input
// included), 2 for bad usage (mail-protocol.md §5), 1 for an internal error.
//
// Every command's module is imported when that command runs, not before: openpgp, bullmq,
// imapflow and mailparser take ~0.3 s each to load, and `deliver` (an MTA pipe, once per
// message) and `--help` need none of them (issue 10: a fast command line).
import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import type { InspectCliOptions } from './inspect.ts';
import { UsageError } from './usage.ts';

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
      const { runInspect } = await import('./inspect.ts');
      code = await runInspect(file, opts, out, err);
    });

  program
    .command('start')
    .description('run the desk (configuration: config/default.yaml, config/local.yaml, environment)')
    .option('--log-level <level>', 'fatal, error, warn, info (default; MADOGUCHI_LOG_LEVEL), debug or trace')
    .action(async (opts: { logLevel?: string }) => {
      const { runStart } = await import('./desk.ts');
      code = await runStart(out, err, opts);
    });

  program
    .command('deliver')
    .description('read one message on standard input into the desk\'s Maildir inbox (an MTA pipe transport); exit 75 on a temporary failure')
    .action(async () => {
      const { runDeliver } = await import('./deliver.ts');
      code = await runDeliver(err);
    });

  const jobs = program.command('jobs').description('the job queue');
  jobs
    .command('failed')
    .description('list jobs that failed for good')
    .action(async () => {
      const { runJobsFailed } = await import('./desk.ts');
      code = await runJobsFailed(out, err);
    });
  jobs
    .command('retry')
    .argument('<id>', 'job id (from `jobs failed`)')
    .description('retry a failed job')
    .action(async (id: string) => {
      const { runJobsRetry } = await import('./desk.ts');
      code = await runJobsRetry(id, out, err);
    });

  program
    .command('digest')
    .description("the coordinators' digest: --print shows what the next one would say (nothing is claimed or sent)")
    .option('--print', 'print the next digest')
    .option('--coordinator <email>', 'only this coordinator (default: every coordinator)')
    .option('--lang <lang>', "ja or en (default: the coordinator's configured language, else ja)")
    .action(async (opts: { print?: boolean; coordinator?: string; lang?: string }) => {
      const { runDigest } = await import('./digest.ts');
      code = await runDigest(opts, out, err);
    });

  program
    .command('case')
    .description('apply a coordinator command to a case, e.g. `case VR-2026-0042 add-vendor acme` (docs/commands.md)')
    .argument('<args...>', 'case id, command and its arguments')
    .allowUnknownOption()
    .action(async (args: string[]) => {
      const { runCaseCommand } = await import('./desk.ts');
      code = await runCaseCommand(args, out, err);
    });

  program
    .command('config')
    .description('the configuration')
    .command('check')
    .description('print the effective configuration (secrets masked) and where each value came from; exit 78 when it is wrong')
    .action(async () => {
      const { runConfigCheck } = await import('./config.ts');
      code = runConfigCheck(out, err);
    });

  const storeDeps = {
    openDb: async () => {
      const [{ loadConfig }, { openDb }] = await Promise.all([import('../config.ts'), import('../store/db.ts')]);
      const cfg = loadConfig();
      return openDb(cfg.store.databaseUrl ? { databaseUrl: cfg.store.databaseUrl } : { dataDir: resolve(cfg.store.dataDir) });
    },
    out,
    err,
    setCode: (n: number) => {
      code = n;
    },
  };
  // Command groups register their subcommands when they are the command being run; for
  // any other command (and the top-level help) a stub carries the group's description.
  const group = async (name: string, description: string, register: () => Promise<(p: Command, deps: typeof storeDeps) => void>): Promise<void> => {
    if (argv[2] === name) (await register())(program, storeDeps);
    else program.command(name).description(description);
  };
  await group('vendors', 'the vendor registry (製品開発者リスト)', async () => (await import('./vendors.ts')).registerVendorCommands);
  await group('partners', 'the partner registry (overseas coordinators and CSIRTs)', async () => (await import('./partners.ts')).registerPartnerCommands);
  await group('operators', 'the site operators registry (website track)', async () => (await import('./operators.ts')).registerOperatorCommands);
  await group('cases', 'cases, their states, dates and timeline', async () => (await import('./cases.ts')).registerCaseCommands);
  await group('export', 'machine-readable advisories of a case (CSAF 2.0, CVE JSON 5)', async () => (await import('./export.ts')).registerExportCommands);
  await group('keys', 'keys held for confirmation (a different key arrived by mail for a known address)', async () => (await import('./keys.ts')).registerKeyCommands);

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
