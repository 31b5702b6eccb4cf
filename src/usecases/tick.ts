// Use case `tick`: time passes for every open case; the public unreachable-vendor list.
import { applyEvent, loadAnySnapshot } from '../desk/coordination.ts';
import { applyWebsiteEvent, websiteSettingsOf } from '../desk/website-coordination.ts';
import { identityPolicy } from '../desk/identity-policy.ts';
import { guardPublicProductName } from '../desk/identity-release.ts';
import type { ReportForm } from '../domain/inspect.ts';
import { jobKey } from '../jobs/registry.ts';
import { type UnreachableListEntry, renderUnreachableList } from '../outbound/templates.ts';
import { FINAL_CASE_STATES } from '../rules/case-view.ts';
import { isWebsiteCase, reviveAnySnapshot } from '../rules/snapshot-json.ts';
import { activeCoordinatedCaseIds, coordinatedCases } from '../store/cases.ts';
import { getCase } from '../store/repo.ts';
import { listVendors } from '../store/vendors.ts';
import { noticesFor } from './case-notices.ts';
import { websiteNoticesFor } from '../desk/website-notices.ts';
import type { DeskContext } from './context.ts';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Time passes (guideline §3.5-9, §4, §8): every case with track state is stepped with
 * a `tick` at the desk's clock; reminders, the unreachable list, the one-year notice and
 * publication come from there. A tick repeated at the same time decides nothing new.
 */
export async function tickAll(ctx: DeskContext): Promise<number> {
  const now = ctx.clock();
  // A case in a final state (published, stopped, not accepted) has nothing left to time (src/rules/case-view.ts).
  let sent = 0;
  // issue 11: reminders and other timed mail to people wait for a business day, then go at
  // the configured hour (docs/decisions.md "Timed mail waits for a business day"); alerts to
  // the coordinators and the guideline's calendar-day periods do not wait.
  const timed = ctx.timedMail;
  const deferMail = timed === null ? undefined : (due: Date): Date => ctx.calendar.deferToBusinessDay(due, timed.time);
  for (const id of await activeCoordinatedCaseIds(ctx.db, FINAL_CASE_STATES)) {
    const pending: string[] = [];
    await ctx.db.tx(async (tx) => {
      const c = await getCase(tx, id);
      if (!c) return;
      const eventKey = `t${now.getTime().toString(36)}`;
      // Each track by its own rules: a website snapshot never meets the product rules (issue 11).
      const snapshot = await loadAnySnapshot(tx, id);
      if (snapshot !== null && isWebsiteCase(snapshot)) {
        await applyWebsiteEvent(tx, id, { type: 'tick', ...(deferMail ? { deferMail } : {}) }, now, 'desk', websiteSettingsOf(ctx.settings), async (tx2, decisions, after) => {
          if (decisions.length > 0) pending.push(...(await websiteNoticesFor(ctx, tx2, c, decisions, after, eventKey, null)));
        });
        return;
      }
      await applyEvent(tx, id, { type: 'tick', ...(deferMail ? { deferMail } : {}) }, now, 'desk', ctx.settings, async (tx2, decisions, after) => {
        if (decisions.length > 0) pending.push(...(await noticesFor(ctx, tx2, c, decisions, after, eventKey, null)));
      });
    });
    for (const n of pending) await ctx.queue.add('notify', { noticeId: n }, `notify-${jobKey(n)}`);
    sent += pending.length;
  }
  await publishUnreachableList(ctx);
  return sent;
}

/**
 * The published list of vendors the desk cannot reach (guideline §3.7; 003 *8), built from
 * every case's product-track state: the vendor's name once listed, its product about three
 * months later, off again when the vendor answers. Nothing else of any case is in it. A
 * vendor registered with publish_name false is left out. Written atomically, ja and en.
 */
export async function publishUnreachableList(ctx: DeskContext): Promise<void> {
  if (!ctx.publicDir) return;
  const rows = await coordinatedCases(ctx.db);
  const hidden = new Set((await listVendors(ctx.db, { includeRemoved: true })).filter((v) => !v.publishName).map((v) => v.id));
  const entries: UnreachableListEntry[] = [];
  for (const r of rows) {
    // guideline §2, §4: nothing of a website case is ever in a public list.
    const snapshot = reviveAnySnapshot(r.coordination);
    if (isWebsiteCase(snapshot)) continue;
    for (const v of snapshot.vendors) {
      if (!v.vendorNamePublishedAt || hidden.has(v.id)) continue;
      // issue 9 §5: a product name carrying the reporter's identity is left out (public text).
      const product = await guardPublicProductName(ctx.db, r.id, v.id, identityPolicy(r.report as ReportForm, snapshot, r.reporterEmail), v.productNamePublishedAt ? (v.product ?? undefined) : undefined);
      entries.push({ vendorName: v.name, since: v.vendorNamePublishedAt, ...(product !== undefined ? { productName: product } : {}) });
    }
  }
  await mkdir(ctx.publicDir, { recursive: true });
  for (const lang of ['ja', 'en'] as const) {
    const file = join(ctx.publicDir, `unreachable.${lang}.md`);
    await writeFile(`${file}.tmp`, renderUnreachableList(entries, lang, { casePrefix: ctx.casePrefix }));
    await rename(`${file}.tmp`, file);
  }
}
