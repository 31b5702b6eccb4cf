// Coordinator commands (src/commands/parse.ts) applied to a case: each command becomes a
// product-track event (src/rules/product.ts), stepped in one transaction that also composes
// and stores the notices the rules decide, so a committed state change never loses its
// notices. The notify job sends them (stored bytes, deterministic Message-IDs).
import type { Command } from '../commands/parse.ts';
import type { SigningKey } from '../crypto/openpgp.ts';
import type { ReportForm } from '../domain/inspect.ts';
import { DEFAULT_SETTINGS, type ProductCase, type ProductDecision, type ProductEvent, type Settings } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { findKeysByEmail, getCase } from '../store/repo.ts';
import { listVendors, type Vendor } from '../store/vendors.ts';
import { applyEvent, loadSnapshot } from './coordination.ts';
import { composeDecisions, storeComposed } from './execute.ts';

export interface CommandDeps {
  db: Db;
  signer: SigningKey;
  address: string;
  coordinators: { name: string; email: string; armoredKeys: string[] }[];
  settings?: Settings;
  now: Date;
  actor: string;
}

export interface CommandOutcome {
  command: Command;
  ok: boolean;
  message: string;
  /** Notices stored by this command (pending, or withheld when no usable key). */
  notices: string[];
}

/** The rules' event for a command; a string is the reason it cannot be applied. */
export function toProductEvent(cmd: Command, snapshot: ProductCase, vendors: Map<string, Vendor>): ProductEvent | string {
  switch (cmd.kind) {
    case 'accept':
      return { type: 'accept' };
    case 'reject':
      return { type: 'reject', reason: cmd.reason };
    case 'stop':
      if (cmd.reason === 'duplicate') return { type: 'stop', reason: { kind: 'duplicate', caseId: cmd.duplicateOf } };
      if (cmd.reason === 'known') return 'stop reason "known" is not supported yet: use not-vulnerability or duplicate';
      return { type: 'stop', reason: { kind: cmd.reason } };
    case 'add-vendor': {
      const v = vendors.get(cmd.vendor);
      if (!v || v.removedAt) return `no vendor "${cmd.vendor}" in the registry`;
      return { type: 'add-vendor', vendor: { id: v.id, name: v.name, product: v.products[0]?.name ?? null } };
    }
    case 'remove-vendor':
      return { type: 'remove-vendor', vendorId: cmd.vendor };
    case 'set-date':
      return { type: 'set-date', date: cmd.date };
    case 'mark-unreachable':
      return { type: 'mark-unreachable', vendorId: cmd.vendor };
    case 'open-impossible':
      return { type: 'open-impossible', vendorIds: snapshot.vendors.map((v) => v.id) };
    case 'committee-decision':
      return { type: 'committee-decision', decision: cmd.decision };
    case 'publish':
      return { type: 'publish' };
    case 'note':
      return { type: 'note', text: cmd.text };
    case 'mark-reachable':
    case 'notify-vendors':
    case 'direct-contact':
      // The rules notify a vendor when it is added and take it off the unreachable list
      // when it answers; these commands have no rule yet.
      return `"${cmd.kind}" is not supported yet`;
  }
}

export async function applyCommands(deps: CommandDeps, caseId: string, commands: Command[]): Promise<CommandOutcome[]> {
  const db = deps.db;
  const c = await getCase(db, caseId);
  if (!c) return commands.map((command) => ({ command, ok: false, message: `no case ${caseId}`, notices: [] }));
  const vendors = new Map((await listVendors(db, { includeRemoved: true })).map((v) => [v.id, v]));
  const reporter = c.reporterEmail ? { email: c.reporterEmail, armoredKeys: (await findKeysByEmail(db, c.reporterEmail)).map((k) => k.armored) } : undefined;
  const domain = deps.address.split('@')[1] ?? 'madoguchi.invalid';
  const outcomes: CommandOutcome[] = [];
  for (const [i, command] of commands.entries()) {
    const notices: string[] = [];
    let message = 'done';
    let ok = true;
    const snapshot = await loadSnapshot(db, caseId);
    if (!snapshot) {
      outcomes.push({ command, ok: false, message: `case ${caseId} has no product-track state`, notices });
      continue;
    }
    const event = toProductEvent(command, snapshot, vendors);
    if (typeof event === 'string') {
      outcomes.push({ command, ok: false, message: event, notices });
      continue;
    }
    const eventKey = `${deps.now.getTime().toString(36)}${i}`;
    await applyEvent(db, caseId, event, deps.now, deps.actor, deps.settings ?? DEFAULT_SETTINGS, async (tx, decisions: ProductDecision[], after) => {
      const error = decisions.find((d) => d.type === 'error');
      if (error) {
        ok = false;
        message = error.message;
        return;
      }
      const { notices: composed } = await composeDecisions(
        {
          caseId,
          report: c.report as ReportForm,
          lang: c.lang,
          snapshot: after,
          vendors,
          coordinators: deps.coordinators,
          signer: deps.signer,
          address: deps.address,
          domain,
          settings: deps.settings ?? DEFAULT_SETTINGS,
          now: deps.now,
          eventKey,
          receivedAt: c.createdAt,
          ...(reporter ? { reporter } : {}),
        },
        decisions,
      );
      await storeComposed(tx, composed, caseId, null);
      notices.push(...composed.map((n) => n.id));
    });
    outcomes.push({ command, ok, message, notices });
  }
  return outcomes;
}
