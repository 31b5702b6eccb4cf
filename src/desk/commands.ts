// Coordinator commands (src/commands/parse.ts) applied to a case: each command becomes a
// product-track event (src/rules/product.ts), stepped in one transaction that also composes
// and stores the notices the rules decide, so a committed state change never loses its
// notices. The notify job sends them (stored bytes, deterministic Message-IDs).
import type { CommandError } from '../commands/confirm.ts';
import type { Command } from '../commands/parse.ts';
import { specOf } from '../commands/registry.ts';
import type { AppliedDetails, ProductLookups } from '../commands/spec.ts';
import type { PriorityContact } from './priority-contacts.ts';
import { productLookups } from './priority-lookups.ts';
import type { SigningKey } from '../crypto/openpgp.ts';
import type { ReportForm } from '../domain/inspect.ts';
import type { WebsiteCase } from '../rules/website-state.ts';
import { DEFAULT_SETTINGS, type ProductCase, type ProductDecision, type ProductEvent, type Settings } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { getCase } from '../store/repo.ts';
import { listVendors, type Vendor } from '../store/vendors.ts';
import { isWebsiteCase } from '../rules/snapshot-json.ts';
import type { WebLookupOptions } from '../web/options.ts';
import { applyEvent, loadAnySnapshot } from './coordination.ts';
import { identityIn } from './execute.ts';
import { noticesFor } from './case-notices.ts';
import type { Publisher } from '../export/model.ts';
import { applyHandover } from './handover.ts';
import { applyHoldCommand } from './identity-release.ts';
import { commandErrorText } from '../commands/confirm.ts';
import { applyVulnerabilityCommand, isVulnerabilityCommand } from './vulnerabilities.ts';
import { proposeOperatorNotices, websiteCommand } from './website-case.ts';

export interface CommandDeps {
  db: Db;
  signer: SigningKey;
  address: string;
  coordinators: { name: string; email: string; armoredKeys: string[] }[];
  settings?: Settings;
  now: Date;
  actor: string;
  /** Web lookups of a site operator after a website case is accepted (config `web`); null or absent: the registry only. */
  web?: WebLookupOptions | null;
  /** Priority-notice contacts (configuration `priorityNotice.contacts`). */
  priorityContacts?: readonly PriorityContact[];
  /** Who the desk is in the CSAF documents attached for partners (config `exports`); absent: the desk's domain. */
  publisher?: Publisher;
}

/** The publisher when none is configured (as src/desk/service.ts). */
const defaultPublisher = (domain: string): Publisher => ({ name: 'madoguchi', namespace: `https://${domain}`, advisoryUrl: null });

export interface CommandOutcome {
  command: Command;
  ok: boolean;
  message: string;
  /** Notices stored by this command (pending, or withheld when no usable key). */
  notices: string[];
}

/** The rules' event for a command (its command file), or why it cannot be applied (a code of the catalogue, src/domain/refusals.ts). */
export function toProductEvent(cmd: Command, snapshot: ProductCase, vendors: Map<string, Vendor>, lookups?: ProductLookups): ProductEvent | CommandError {
  // X-RELEASE / X-REDACT: not a product-track event, a held notice (applyHoldCommand,
  // identity-release.ts); X-HANDOVER: the case sent to a partner (applyHandover, handover.ts); the vulnerability commands act on the case's vulnerabilities
  // (src/desk/vulnerabilities.ts).
  const what = isVulnerabilityCommand(cmd) ? "the case's vulnerabilities" : 'a held notice';
  return specOf(cmd).toEvent(cmd, snapshot, vendors, lookups) ?? { code: 'not-allowed', state: `X-${cmd.kind.toUpperCase()} acts on ${what}, not on the case's state` };
}

/**
 * What the confirmation says beyond the command itself (src/commands/confirm.ts), from the
 * snapshot before and the decisions taken (the command file's `details`): the previous date
 * (set-date), the vendors notified first or again (notify-vendors), an accept that changed nothing.
 */
export function confirmationDetails(cmd: Command, before: ProductCase, decisions: readonly ProductDecision[]): AppliedDetails {
  return specOf(cmd).details?.(cmd, before, decisions) ?? {};
}

/**
 * The confirmation's error for a command the rules refused: the code they gave
 * (RuleRefusal), else `not-allowed` with their message. No text is read back into a code.
 */
export function commandErrorOf(refused: RulesError): CommandError {
  return refused.refusal ?? { code: 'not-allowed', state: refused.message };
}

/** The rules' refusal of a command (src/rules/product.ts decideProduct). */
export type RulesError = Extract<ProductDecision, { type: 'error' }>;

/** Whether toProductEvent gave a refusal rather than an event. */
export function isCommandError(x: ProductEvent | CommandError): x is CommandError {
  return 'code' in x;
}

/** A short line for the CLI when a command did more (or less) than its name says. */
function successMessage(details: AppliedDetails): string {
  if (details.unchanged === true) return 'already accepted; nothing changed';
  if (details.notified !== undefined || details.notifiedAgain !== undefined) {
    const first = details.notified ?? [];
    const again = details.notifiedAgain ?? [];
    if (first.length === 0 && again.length === 0) return 'nothing sent: the waiting vendors were notified just now';
    return [first.length > 0 ? `notified ${first.join(', ')}` : null, again.length > 0 ? `notified again ${again.join(', ')}` : null].filter((x) => x !== null).join('; ');
  }
  return 'done';
}

/**
 * A relay to a vendor whose text carries the reporter's address, name, organisation or
 * telephone number, without consent (guideline §2): the refusal, checked before anything is
 * applied so the confirmation says so (the rules see only the name). Null when fine.
 */
export function relayLeak(command: Command, snapshot: ProductCase, report: ReportForm, reporterEmail: string | null): RulesError | null {
  if (command.kind !== 'relay' || command.to === null) return null;
  const what = identityIn(command.text, { snapshot, report, ...(reporterEmail ? { reporter: { email: reporterEmail, armoredKeys: [] } } : {}) });
  if (what === null) return null;
  return { type: 'error', message: `the text gives the reporter's ${what}, and the reporter has not consented to share it with vendors (guideline §2)`, refusal: { code: 'names-reporter' } };
}

/** The CLI's line for an applied vulnerability command. */
function vulnerabilityMessage(d: AppliedDetails): string {
  const v = d.vulnerability;
  if (v) return [`vulnerability ${String(v.number)}${v.score ? ` (${v.score})` : ''}`, v.materialised === true ? 'vulnerability 1 stored from the report' : null, v.dropped ? `the report's CVSS of vulnerability 1 left out: ${v.dropped}` : null].filter((x) => x !== null).join('; ');
  if (d.previousCve !== undefined) return d.previousCve === null ? 'done' : `done (was ${d.previousCve})`;
  return 'done';
}

/**
 * issue 11: a website case is decided on the command line by the same step a command mail
 * takes (src/desk/website-case.ts): the command file's website event, the website rules,
 * their notices stored in the same transaction; after an acceptance that changed the case,
 * the operator lookup (registry, then the web when enabled) is proposed to the coordinators.
 */
async function websiteCliCommand(deps: CommandDeps, c: { id: string; report: unknown; lang: string; reporterEmail: string | null }, snapshot: WebsiteCase, command: Command, eventKey: string): Promise<CommandOutcome> {
  const wdeps = {
    clock: () => deps.now,
    signer: deps.signer,
    address: deps.address,
    domain: deps.address.split('@')[1] ?? 'madoguchi.invalid',
    coordinators: deps.coordinators,
    settings: deps.settings ?? DEFAULT_SETTINGS,
  };
  const { outcome, notices } = await deps.db.tx((tx) => websiteCommand(wdeps, tx, c, snapshot, command, deps.actor, eventKey, null));
  if (outcome.status !== 'applied') {
    const message = outcome.status === 'failed' ? commandErrorText(outcome.error, 'en', c.id) : 'not applied';
    return { command, ok: false, message, notices: [] };
  }
  // Outside the command's transaction: a web lookup never holds the case row locked.
  if (command.kind === 'accept' && outcome.unchanged !== true) notices.push(...(await proposeOperatorNotices({ ...wdeps, db: deps.db, web: deps.web ?? null }, c.id, null)));
  return { command, ok: true, message: outcome.unchanged === true ? 'already accepted; nothing changed' : 'done', notices };
}

export async function applyCommands(deps: CommandDeps, caseId: string, commands: Command[]): Promise<CommandOutcome[]> {
  const db = deps.db;
  const c = await getCase(db, caseId);
  if (!c) return commands.map((command) => ({ command, ok: false, message: `no case ${caseId}`, notices: [] }));
  const vendors = new Map((await listVendors(db, { includeRemoved: true })).map((v) => [v.id, v]));
  const domain = deps.address.split('@')[1] ?? 'madoguchi.invalid';
  const outcomes: CommandOutcome[] = [];
  for (const [i, command] of commands.entries()) {
    const notices: string[] = [];
    let message = 'done';
    let ok = true;
    const any = await loadAnySnapshot(db, caseId);
    if (!any) {
      outcomes.push({ command, ok: false, message: `case ${caseId} has no track state`, notices });
      continue;
    }
    if (isWebsiteCase(any)) {
      outcomes.push(await websiteCliCommand(deps, c, any, command, `${deps.now.getTime().toString(36)}${i}`));
      continue;
    }
    const snapshot = any;
    if (command.kind === 'release' || command.kind === 'redact') {
      // issue 9 §5: a notice held for the reporter's identity, sent once.
      const held = await db.tx((tx) => applyHoldCommand(tx, { signer: deps.signer, address: deps.address, now: deps.now, actor: deps.actor }, caseId, command, null));
      outcomes.push(held.ok ? { command, ok: true, message: `sent ${held.noticeId}`, notices: [held.noticeId] } : { command, ok: false, message: commandErrorText(held.error, 'en', caseId), notices });
      continue;
    }
    if (isVulnerabilityCommand(command)) {
      // issue 12: the case's vulnerabilities, recorded on the timeline; no notice.
      const r = await db.tx((tx) => applyVulnerabilityCommand(tx, caseId, command, snapshot, deps.actor));
      outcomes.push(r.ok ? { command, ok: true, message: vulnerabilityMessage(r.details), notices } : { command, ok: false, message: commandErrorText(r.error, 'en', caseId), notices });
      continue;
    }
    if (command.kind === 'handover') {
      // issue 12 "Outbound": the case goes to a partner CSIRT (src/desk/handover.ts); its state is unchanged.
      const h = await db.tx((tx) => applyHandover(tx, { signer: deps.signer, address: deps.address, domain, coordinators: deps.coordinators, now: deps.now, actor: deps.actor }, caseId, command, null));
      outcomes.push(
        h.ok
          ? { command, ok: true, message: h.held ? "held: the report names the reporter (see the coordinators' alert; X-RELEASE or X-REDACT)" : 'done', notices: h.noticeIds }
          : { command, ok: false, message: commandErrorText(h.error, 'en', caseId), notices },
      );
      continue;
    }
    const event = toProductEvent(command, snapshot, vendors, await productLookups(db, command, c, deps.priorityContacts ?? [], deps.now));
    if (isCommandError(event)) {
      outcomes.push({ command, ok: false, message: commandErrorText(event, 'en', caseId), notices });
      continue;
    }
    const leak = relayLeak(command, snapshot, c.report as ReportForm, c.reporterEmail);
    if (leak !== null) {
      outcomes.push({ command, ok: false, message: leak.message, notices });
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
      message = successMessage(confirmationDetails(command, snapshot, decisions));
      // The same step as a command by mail (src/usecases/command.ts): the notices, the
      // vendors' subject references, and on a partner case the partner's partner-status and
      // advisory (issue 12; guideline §5), so the command line never says less to a party.
      const noticeDeps = { coordinators: deps.coordinators, signer: deps.signer, address: deps.address, domain, settings: deps.settings ?? DEFAULT_SETTINGS, clock: () => deps.now, publisher: deps.publisher ?? defaultPublisher(domain), priorityContacts: deps.priorityContacts ?? [] };
      notices.push(...(await noticesFor(noticeDeps, tx, c, decisions, after, eventKey, null)));
    });
    outcomes.push({ command, ok, message, notices });
  }
  return outcomes;
}
