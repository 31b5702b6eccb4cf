// `madoguchi keys list|confirm|reject`: the keys held for the coordinators (issue 9 §4). A
// key that arrived by mail for an address that already had another key on file is never
// used until a coordinator confirms it here (or by X-CONFIRM-KEY mail); rejecting it keeps
// the key on file. Check with the correspondent through another channel first.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { confirmKeyHold, listKeyHolds, rejectKeyHold, type DecideResult, type KeyHoldState } from '../store/key-holds.ts';
import { formatJst } from '../domain/clock.ts';
import { storeRunner, type StoreCommandDeps } from './store-command.ts';
import { UsageError } from './usage.ts';

const STATES: readonly KeyHoldState[] = ['pending', 'confirmed', 'rejected'];

/** Groups of four, as gpg prints a fingerprint (easier to compare by phone). */
const spaced = (fpr: string): string => fpr.replace(/(.{4})(?=.)/g, '$1 ');

function holdId(s: string): number {
  if (!/^[1-9]\d{0,15}$/.test(s)) throw new UsageError(`not a hold id: ${JSON.stringify(s)} (see madoguchi keys list)`);
  return Number(s);
}

export function registerKeyCommands(program: Command, deps: StoreCommandDeps): void {
  const { out, err } = deps;
  const withDb = storeRunner(deps, 'madoguchi keys');
  const keys = program.command('keys').description('keys held for confirmation: a different key arrived by mail for a known address');
  keys
    .command('list')
    .option('--state <state...>', `only holds in these states (${STATES.join(', ')}; default pending)`)
    .option('--all', 'holds in every state')
    .option('--json', 'JSON output')
    .description('list held keys')
    .action(async (o: { state?: string[]; all?: boolean; json?: boolean }) => {
      const bad = (o.state ?? []).find((s) => !(STATES as readonly string[]).includes(s));
      if (bad !== undefined) throw new UsageError(`unknown state ${JSON.stringify(bad)} (one of ${STATES.join(', ')})`);
      const states = o.all ? undefined : ((o.state as KeyHoldState[] | undefined) ?? ['pending']);
      await withDb(async (db) => {
        const rows = await listKeyHolds(db, states ? { states } : {});
        if (o.json) {
          out(JSON.stringify(rows.map(({ armored: _armored, ...h }) => h), null, 2));
          return 0;
        }
        if (rows.length === 0) {
          out(states ? `no ${states.join('/')} key holds` : 'no key holds');
          return 0;
        }
        for (const h of rows) {
          out(`${h.id}\t${h.state}\t${h.email}\t${spaced(h.fingerprint)}\t${formatJst(h.createdAt)}`);
          out(`\ton file: ${h.onFile.length > 0 ? h.onFile.map(spaced).join(', ') : '(none)'}${h.messageRef !== null ? `; message ${h.messageRef}` : ''}${h.decidedBy ? `; ${h.state} by ${h.decidedBy}` : ''}`);
        }
        return 0;
      });
    });
  const decide = (verb: 'confirm' | 'reject', fn: typeof confirmKeyHold, what: string): void => {
    keys
      .command(verb)
      .argument('<id>', 'hold id (from `madoguchi keys list`)')
      .option('--actor <name>', 'who decides (logged)', `cli:${userInfo().username}`)
      .description(what)
      .action(async (id: string, o: { actor: string }) => {
        const n = holdId(id);
        await withDb(async (db) => {
          const r: DecideResult = await fn(db, n, o.actor);
          if (!r.ok) {
            err(r.why === 'no-such-hold' ? `madoguchi: no key hold ${n}` : `madoguchi: key hold ${n} is already ${r.hold?.state ?? 'decided'}`);
            return 1;
          }
          out(
            verb === 'confirm'
              ? `confirmed: key ${spaced(r.hold.fingerprint)} is now the key for ${r.hold.email}${r.hold.onFile.length > 0 ? ' (it replaces the learned keys on file; a vendor key is changed in the vendor list only)' : ''}`
              : `rejected: key ${spaced(r.hold.fingerprint)} is not used for ${r.hold.email}`,
          );
          return 0;
        });
      });
  };
  decide('confirm', confirmKeyHold, 'confirm a held key: it becomes the address\'s key (check with the correspondent first)');
  decide('reject', rejectKeyHold, 'reject a held key: it is never used, and the same key is not held again');
}
