// Use case `digest`: the coordinators' morning digest (issue 11; docs/decisions.md "The
// coordinators' digest"). Called on every run of the periodic tick (src/desk/service.ts
// `tick`): the due business day's digest is claimed per coordinator in the database
// (src/store/digest.ts claimDigest, a unique row per coordinator and day), so however many
// ticks, restarts and desk processes there are, each coordinator gets one digest per
// business day, and a desk that was down sends the missed one when it next ticks.
import { composeForCoordinators, storeComposed } from '../desk/execute.ts';
import { gatherDigest } from '../desk/digest.ts';
import { jobKey } from '../jobs/registry.ts';
import { usableRecipients } from '../crypto/openpgp.ts';
import { renderNotice } from '../outbound/templates.ts';
import { claimDigest, setDigestNotice } from '../store/digest.ts';
import type { DeskContext } from './context.ts';

/**
 * Sends the due digest to every coordinator who has not had it. Returns the notices queued.
 * Each coordinator's digest is one transaction: the claim, the digest's notice and its
 * record commit together or not at all (a crash before the commit leaves it unclaimed).
 */
export async function sendDigests(ctx: DeskContext): Promise<number> {
  const cfg = ctx.digest;
  if (!cfg?.enabled || ctx.coordinators.length === 0) return 0;
  const now = ctx.clock();
  const day = ctx.calendar.dueDigestDay(now, cfg.time);
  let queued = 0;
  let firstError: Error | null = null;
  for (const c of ctx.coordinators) {
    const pending: string[] = [];
    try {
      await ctx.db.tx(async (tx) => {
        const claim = await claimDigest(tx, c.email, day);
        if (!claim) return; // sent already (this process or another, before a restart or now)
        const eventKey = `d${day}`;
        // Fail closed: without a usable key the digest's content is not even composed; the
        // claim is kept (one attempt per day) with a withheld notice, and the others are told.
        if ((await usableRecipients(c.armoredKeys, now)).length === 0) {
          const withheld = await composeForCoordinators({ coordinators: [c], signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now, eventKey, caseId: null }, 'digest', { subject: 'digest', text: '' });
          const [id] = await storeComposed(tx, withheld, null, null);
          if (id) await setDigestNotice(tx, c.email, day, id);
          const others = ctx.coordinators.filter((o) => o !== c);
          const alert = renderNotice('coord-alert', 'ja', { kind: 'digest-withheld', detail: `the digest for ${day} to coordinator ${c.name} was not sent: no usable key` });
          const slot = c.email.split('@')[0]!.replace(/[^A-Za-z0-9_-]/g, '_');
          pending.push(...(await storeComposed(tx, await composeForCoordinators({ coordinators: others, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now, eventKey: `${eventKey}.${slot}`, caseId: null }, 'coord-alert', alert), null, null)));
          ctx.logger.warn('digest withheld: no usable key for the coordinator', { day });
          return;
        }
        const digest = await gatherDigest(tx, {
          day,
          now,
          window: claim.window,
          settings: ctx.settings,
          silentDays: cfg.silentDays,
          deskKey: ctx.signer.armoredPublic,
          coordinators: ctx.coordinators,
        });
        // In the coordinator's language when the configuration names one (issue 11), else Japanese.
        const lang = c.lang ?? 'ja';
        const rendered = renderNotice('digest', lang, digest);
        const notices = await composeForCoordinators({ coordinators: [c], signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang, now, eventKey, caseId: null }, 'digest', rendered);
        const [id] = await storeComposed(tx, notices, null, null);
        if (id) {
          await setDigestNotice(tx, c.email, day, id);
          pending.push(id);
        }
        ctx.logger.info('digest composed', { day, sections: digest.sections.length, empty: digest.empty });
      });
    } catch (e) {
      // One coordinator's failure does not keep the others' digests back; the tick fails
      // after (its job's final failure alerts the coordinators) and the claim, rolled back,
      // is tried again on the next tick.
      firstError ??= e instanceof Error ? e : new Error(String(e));
      continue;
    }
    for (const n of pending) await ctx.queue.add('notify', { noticeId: n }, `notify-${jobKey(n)}`);
    queued += pending.length;
  }
  if (firstError !== null) throw firstError;
  return queued;
}
