// The website track's steps shared by the use cases and `madoguchi case` (issue 11;
// guideline §4): a coordinator's command on a website case, and the operator lookup
// proposed after acceptance. Here, below the use cases, so the command line decides a
// website case by the very steps a command mail takes. The rules are src/rules/website.ts; this file reads what they need from the
// registry, steps them (src/desk/website-coordination.ts) and carries out their notices.
import type { CommandOutcome } from '../commands/confirm.ts';
import type { Command } from '../commands/parse.ts';
import { specOf } from '../commands/registry.ts';
import type { WebsiteLookups } from '../commands/spec.ts';
import { checkRecipientKey } from '../crypto/openpgp.ts';
import { applyWebsiteEvent, websiteSettingsOf } from './website-coordination.ts';
import type { ReportForm } from '../domain/inspect.ts';
import type { OperatorCandidate, OperatorRef, WebsiteCase, WebsiteDecision } from '../rules/website.ts';
import type { Db } from '../store/db.ts';
import { getOperator, type Operator } from '../store/operators.ts';
import { getCase } from '../store/repo.ts';
import { proposeOperatorContact, type OperatorProposal } from '../web/propose.ts';
import type { WebLookupOptions } from '../web/options.ts';
import { websiteNoticesFor, type WebsiteDeps } from './website-notices.ts';

type CaseRow = { id: string; report: unknown; lang: string; reporterEmail: string | null };

/**
 * The key pinned for an operator now: the first of its registry keys (sorted by
 * fingerprint) usable for encryption today; null when none is. The notice goes to exactly
 * this key (website-notices.ts), never to a key that came with a mail or from the web.
 */
export async function pinnedOperatorKey(op: Operator | null, now: Date): Promise<string | null> {
  for (const k of op?.keys ?? []) {
    if ((await checkRecipientKey(k.armored, now)).ok) return k.fingerprint;
  }
  return null;
}

/** The registry entry as the rules take it (OperatorRef), with its usable pinned key. */
async function operatorRef(op: Operator, now: Date): Promise<OperatorRef> {
  return { id: op.id, name: op.nameJa ?? op.name, source: 'registry', keyFingerprint: await pinnedOperatorKey(op, now) };
}

/**
 * One coordinator command on a website case, in the command mail's transaction: the
 * command file's website event (absent: refused `website-case`), the rules, their notices.
 */
export async function websiteCommand(
  ctx: WebsiteDeps,
  tx: Db,
  c: CaseRow,
  snapshot: WebsiteCase,
  command: Command,
  actor: string,
  eventKey: string,
  messageRef: number | null,
): Promise<{ outcome: CommandOutcome; notices: string[] }> {
  const now = ctx.clock();
  const spec = specOf(command);
  if (!spec.toWebsiteEvent) return { outcome: { command, status: 'failed', error: { code: 'website-case' } }, notices: [] };
  // The registry is read here; the command file and the rules stay pure.
  const asked = command.kind === 'confirm-operator' ? await getOperator(tx, command.operator) : null;
  const askedRef = asked !== null && asked.removedAt === null ? await operatorRef(asked, now) : null;
  const current = snapshot.operator ? await getOperator(tx, snapshot.operator.id) : null;
  const lookups: WebsiteLookups = {
    operator: (id) => (askedRef !== null && askedRef.id === id ? askedRef : null),
    pinnedKey: await pinnedOperatorKey(current !== null && current.removedAt === null ? current : null, now),
  };
  const event = spec.toWebsiteEvent(command, snapshot, lookups);
  if ('code' in event) return { outcome: { command, status: 'failed', error: event }, notices: [] };
  let refused: string | null = null;
  let taken: WebsiteDecision[] = [];
  const notices: string[] = [];
  await applyWebsiteEvent(tx, c.id, event, now, actor, websiteSettingsOf(ctx.settings), async (tx2, decisions, after) => {
    const error = decisions.find((d) => d.type === 'error');
    if (error) {
      refused = error.message;
      return;
    }
    taken = decisions;
    notices.push(...(await websiteNoticesFor(ctx, tx2, c, decisions, after, eventKey, messageRef)));
  });
  if (refused !== null) return { outcome: { command, status: 'failed', error: { code: 'not-allowed', state: refused } }, notices: [] };
  const unchanged = command.kind === 'accept' && !taken.some((d) => d.type === 'set-state' && d.machine === 'rm');
  return { outcome: { command, status: 'applied', ...(unchanged ? { unchanged: true } : {}) }, notices };
}

/** What a lookup found, as the rules' candidates (none trusted: a coordinator confirms). */
export function candidatesOf(p: OperatorProposal): OperatorCandidate[] {
  switch (p.kind) {
    case 'registered':
      return [{ operatorId: p.operator.id, name: p.operator.name, contact: p.operator.contacts[0] ?? '', keyFingerprint: p.operator.keys[0] ?? null, source: 'registry' }];
    case 'web':
      return p.contacts.map((x) => ({
        operatorId: null,
        name: null,
        contact: x.email,
        keyFingerprint: x.key?.fingerprint ?? null,
        source: x.key && x.key.source !== 'encryption' ? 'wkd' : 'security.txt',
      }));
    case 'none':
      return [];
  }
}

/**
 * issue 11: after acceptance, the desk looks for the site's operator (the registry by
 * hostname, then security.txt and WKD when web lookups are enabled) and proposes what it
 * found to the coordinators, who confirm with X-CONFIRM-OPERATOR. Run after the accepting
 * transaction committed: a web lookup never holds the case row locked. Returns the ids of
 * the notices stored (the caller queues them).
 */
export async function proposeOperatorNotices(ctx: WebsiteDeps & { db: Db; web: WebLookupOptions | null }, caseId: string, messageRef: number | null): Promise<string[]> {
  const c = await getCase(ctx.db, caseId);
  const url = (c?.report as ReportForm | undefined)?.website?.url?.trim() ?? '';
  if (!c) return [];
  const proposal = await proposeOperatorContact(ctx.db, url, ctx.web);
  const now = ctx.clock();
  const ids: string[] = [];
  await applyWebsiteEvent(ctx.db, caseId, { type: 'operator-proposed', candidates: candidatesOf(proposal) }, now, 'desk', websiteSettingsOf(ctx.settings), async (tx, decisions, after) => {
    ids.push(...(await websiteNoticesFor(ctx, tx, c, decisions, after, `p${now.getTime().toString(36)}`, messageRef)));
  });
  return ids;
}
