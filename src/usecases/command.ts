// Use case: a coordinator's command mail (docs/commands.md).
import { authorizeCommandMail, coordinatorFor } from '../commands/auth.ts';
import { type CommandOutcome, renderConfirmation } from '../commands/confirm.ts';
import { parseKeyCommandMail } from '../commands/key-commands.ts';
import { parseCommandMail } from '../commands/parse.ts';
import { type Recipient, checkRecipientKey } from '../crypto/openpgp.ts';
import { commandErrorOf, confirmationDetails, isCommandError, relayLeak, toProductEvent, type RulesError } from '../desk/commands.ts';
import { DbReplayStore, applyEvent, loadAnySnapshot } from '../desk/coordination.ts';
import { type ComposedNotice, composeCoordinatorAlert, storeComposed } from '../desk/execute.ts';
import { applyHandover } from '../desk/handover.ts';
import { applyHoldCommand } from '../desk/identity-release.ts';
import { productLookups } from '../desk/priority-lookups.ts';
import { applyKeyCommandMail } from '../desk/mail-keys.ts';
import { applyVulnerabilityCommand, isVulnerabilityCommand } from '../desk/vulnerabilities.ts';
import type { ReportForm } from '../domain/inspect.ts';
import type { Fields } from '../log.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import type { ProductDecision } from '../rules/product.ts';
import type { Lang } from '../rules/screening.ts';
import type { Db } from '../store/db.ts';
import { claimForTriage } from '../store/messages.ts';
import { appendTimeline, getCase } from '../store/repo.ts';
import { isWebsiteCase } from '../rules/snapshot-json.ts';
import { listVendors } from '../store/vendors.ts';
import { noticesFor } from '../desk/case-notices.ts';
import { gateSigned, refuseSigned } from './common.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { enqueueNotices } from './outbox.ts';
import { websiteCommand } from '../desk/website-case.ts';
import { proposeOperator } from './website-case.ts';

/**
 * Coordinator commands by mail (docs/commands.md): authority comes only from a pinned
 * coordinator key's valid signature on an encrypted message, never from the From header;
 * a replayed or old command changes nothing. A refused mail is reported to the
 * coordinators and never answered; an accepted one gets an encrypted confirmation.
 */
export async function commandMail(ctx: DeskContext, id: number, v: OpenedVerdict): Promise<void> {
  const now = ctx.clock();
  // Logged only once the transaction committed (a retried transaction starts over).
  let lines: { msg: 'command applied' | 'command refused'; fields: Fields }[] = [];
  // Website cases accepted by this mail: their operator is looked up once it committed.
  const toPropose = new Set<string>();
  const done = await ctx.db.tx(async (tx) => {
    lines = [];
    toPropose.clear();
    if (!(await claimForTriage(tx, id))) return false;
    const store = async (into: Db, notices: ComposedNotice[], caseId: string | null): Promise<void> => void (await storeComposed(into, notices, caseId, id));
    const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as Lang, now, eventKey: `m${id}` };
    const coordinators = ctx.coordinators.map((c) => ({ name: c.name, email: c.email, fingerprints: c.fingerprints ?? [] }));
    // X-CONFIRM-KEY / X-REJECT-KEY (issue 9 §4) are about an address, not a case.
    const keyCommands = parseKeyCommandMail(v.desk.text);
    // issue 9 §1-3 first: one pinned coordinator signature over the whole message, new,
    // recent, naming its case in the signed X-CASE. Commands answer to a thread freely, so
    // References play no part here.
    const gate = await gateSigned(ctx, tx, id, v, now, {
      role: 'coordinator',
      caseless: keyCommands !== null,
      requireEncrypted: true,
      bodyCaseId: parseCommandMail(v.desk.text, { casePrefix: ctx.casePrefix }).caseId,
      references: [],
      isPinned: (fpr) => Promise.resolve(coordinatorFor(coordinators, fpr) !== null),
    });
    if (!gate.ok) {
      lines.push({ msg: 'command refused', fields: { message: id, code: gate.code } });
      await refuseSigned(ctx, tx, id, v, 'coordinator', gate, now);
      return true;
    }
    const auth = await authorizeCommandMail(v, v.desk.text, coordinators, gate.signedAt, now, new DbReplayStore(tx), {
      maxAgeHours: ctx.trust.commandMaxAgeHours,
      maxFutureMinutes: ctx.trust.maxFutureMinutes,
    });
    if (!auth.ok) {
      lines.push({ msg: 'command refused', fields: { message: id, code: auth.reason } });
      await appendTimeline(tx, { caseId: null, actor: 'desk', event: 'command-mail-refused', data: { message: id, reason: auth.reason, detail: auth.detail } });
      await store(tx, await composeCoordinatorAlert({ ...base, caseId: null }, 'unauthorised-command', `${auth.reason}: a command mail from ${v.from ?? 'no address'} was refused`), null);
      return true;
    }
    if (keyCommands) {
      const armoredKeys = ctx.coordinators.find((x) => x.email === auth.coordinator.email)?.armoredKeys ?? [];
      await applyKeyCommandMail(tx, { ...base, domain: ctx.domain }, keyCommands, { ...auth.coordinator, armoredKeys }, id, v.messageId);
      return true;
    }
    const parsed = parseCommandMail(v.desk.text, { casePrefix: ctx.casePrefix });
    const c = parsed.caseId ? await getCase(tx, parsed.caseId) : null;
    let outcomes: CommandOutcome[] | undefined;
    if (parsed.errors.length === 0 && parsed.caseId) {
      outcomes = [];
      const vendors = new Map((await listVendors(tx, { includeRemoved: true })).map((x) => [x.id, x]));
      for (const command of parsed.commands) {
        const any = c ? await loadAnySnapshot(tx, c.id) : null;
        if (!c || !any) {
          outcomes.push({ command, status: 'failed', error: { code: 'unknown-case' } });
          continue;
        }
        if (isWebsiteCase(any)) {
          // issue 11: a website case is decided by the same commands, on its own rules.
          const { outcome: o } = await websiteCommand(ctx, tx, c, any, command, `coordinator:${auth.coordinator.name}`, `m${id}c${outcomes.length}`, id);
          outcomes.push(o);
          if (o.status === 'applied' && command.kind === 'accept' && o.unchanged !== true) toPropose.add(c.id);
          continue;
        }
        const snapshot = any;
        if (command.kind === 'release' || command.kind === 'redact') {
          const held = await applyHoldCommand(tx, { signer: ctx.signer, address: ctx.address, now, actor: `coordinator:${auth.coordinator.name}` }, c.id, command, id);
          outcomes.push(held.ok ? { command, status: 'applied' } : { command, status: 'failed', error: held.error });
          continue;
        }
        if (isVulnerabilityCommand(command)) {
          // issue 12: the case's vulnerabilities (src/desk/vulnerabilities.ts), on the timeline.
          const r = await applyVulnerabilityCommand(tx, c.id, command, snapshot, `coordinator:${auth.coordinator.name}`);
          outcomes.push(r.ok ? { command, status: 'applied', ...r.details } : { command, status: 'failed', error: r.error });
          continue;
        }
        if (command.kind === 'handover') {
          // issue 12 "Outbound": the case goes to a partner CSIRT; its state is unchanged.
          const h = await applyHandover(tx, { signer: ctx.signer, address: ctx.address, domain: ctx.domain, coordinators: ctx.coordinators, now, actor: `coordinator:${auth.coordinator.name}` }, c.id, command, id);
          outcomes.push(h.ok ? { command, status: 'applied' } : { command, status: 'failed', error: h.error });
          continue;
        }
        const event = toProductEvent(command, snapshot, vendors, await productLookups(tx, command, c, ctx.priorityContacts, now));
        if (isCommandError(event)) {
          outcomes.push({ command, status: 'failed', error: event });
          continue;
        }
        const leak = relayLeak(command, snapshot, c.report as ReportForm, c.reporterEmail);
        if (leak !== null) {
          outcomes.push({ command, status: 'failed', error: commandErrorOf(leak) });
          continue;
        }
        let refusal: RulesError | null = null;
        let taken: ProductDecision[] = [];
        await applyEvent(tx, c.id, event, now, `coordinator:${auth.coordinator.name}`, ctx.settings, async (tx2, decisions, after) => {
          const error = decisions.find((d) => d.type === 'error');
          if (error) {
            refusal = error;
            return;
          }
          taken = decisions;
          await noticesFor(ctx, tx2, c, decisions, after, `m${id}c${outcomes!.length}`, id);
        });
        outcomes.push(refusal !== null ? { command, status: 'failed', error: commandErrorOf(refusal) } : { command, status: 'applied', ...confirmationDetails(command, snapshot, taken) });
      }
    }
    for (const e of parsed.errors) lines.push({ msg: 'command refused', fields: { message: id, case: c?.id ?? null, code: e.code } });
    for (const o of outcomes ?? []) {
      const f = { message: id, case: c?.id ?? null, command: o.command.kind };
      lines.push(o.status === 'applied' ? { msg: 'command applied', fields: f } : { msg: 'command refused', fields: { ...f, code: o.status === 'failed' ? o.error.code : 'not-applied' } });
    }
    const rendered = renderConfirmation({ parsed, ...(outcomes ? { outcomes } : {}), actor: auth.coordinator.name, via: 'mail', receivedAt: now }, (c?.lang) ?? 'ja');
    const who = ctx.coordinators.find((x) => x.email === auth.coordinator.email);
    const keys: Recipient[] = [];
    for (const a of who?.armoredKeys ?? []) {
      const k = await checkRecipientKey(a, now);
      if (k.ok) keys.push(k.recipient);
    }
    const nid = `<command-confirmation.m${id}@${ctx.domain}>`;
    const raw = keys.length > 0
      ? await composeEncrypted({ from: ctx.address, to: [auth.coordinator.email], caseTag: c ? c.id : null, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, autoSubmitted: 'auto-replied', ...(v.messageId ? { inReplyTo: v.messageId } : {}) }, ctx.signer, keys)
      : null;
    await store(tx, [{ id: nid, kind: 'command-confirmation', recipients: [auth.coordinator.email], lang: 'ja', raw, ...(raw ? {} : { withheldReason: 'no usable key' }) }], c ? c.id : null);
    return true;
  });
  if (done) {
    for (const l of lines) ctx.logger.info(l.msg, l.fields);
    // issue 11: after acceptance the desk proposes the site's operator (outside the
    // transaction: a web lookup never holds the case row locked).
    for (const caseId of toPropose) await proposeOperator(ctx, caseId, id);
    await enqueueNotices(ctx, id);
  }
}
