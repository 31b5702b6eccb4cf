// `madoguchi start`: wires configuration, keys, store, queue, intake and transport into a
// running desk, and stops it gracefully on SIGTERM/SIGINT.
import { webOptionsFromConfig } from '../web/options.ts';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSmtpTransport } from '../adapters/nodemailer.ts';
import { stopCsafValidator } from '../adapters/csaf-validator.ts';
import { DeferJobError, openQueue, PermanentJobError, type JobQueue } from '../adapters/bullmq.ts';
import { TICK_SCHEDULER } from '../jobs/registry.ts';
import { startImapIntake, type ImapIntake } from '../adapters/imap.ts';
import type { Config } from '../config.ts';
import { startMaildirIntake, type MaildirIntake } from '../intake/maildir.ts';
import { MaildirOutbox } from '../outbound/maildir.ts';
import type { Transport } from '../outbound/transport.ts';
import { openDb, type Db } from '../store/db.ts';
import { getCheckpoint, setCheckpoint } from '../store/repo.ts';
import { exportPublicKeys } from '../crypto/openpgp.ts';
import { ensureDeskKeys } from './keys.ts';
import { DeferredError, Desk, limitsFromMb, PermanentError } from './service.ts';
import { DEFAULT_SETTINGS } from '../rules/product.ts';
import { loggableReason, textLog, type Log } from '../log.ts';
import { messageLogFacts } from '../store/log-facts.ts';

export interface RunningDesk {
  desk: Desk;
  db: Db;
  queue: JobQueue;
  imap: ImapIntake | null;
  stop(): Promise<void>;
}

/**
 * The desk's clock. MADOGUCHI_CLOCK_FILE (tests, rehearsals) names a file holding an offset
 * in milliseconds added to real time, re-read when it changes, so a running desk's timers
 * (reminders after 7 days, publication on the agreed date) can be moved without a restart.
 */
export function deskClock(file: string | undefined): () => Date {
  if (!file) return () => new Date();
  let mtime = -1;
  let offset = 0;
  return () => {
    try {
      const st = statSync(file);
      if (st.mtimeMs !== mtime) {
        mtime = st.mtimeMs;
        const n = Number(readFileSync(file, 'utf8').trim());
        offset = Number.isFinite(n) ? n : 0;
      }
    } catch {
      offset = 0;
    }
    return new Date(Date.now() + offset);
  };
}

export async function startDesk(cfg: Config, logTo: Log | ((m: string) => void), opts: { clock?: () => Date } = {}): Promise<RunningDesk> {
  const L = typeof logTo === 'function' ? textLog(logTo) : logTo;
  const log = (m: string): void => L.info(m);
  const keys = await ensureDeskKeys(resolve(cfg.desk.keysDir), cfg.desk.name, cfg.desk.address, log);
  L.info('desk key', { fingerprint: keys.signer.fingerprint });
  // Redis first: if it is missing, say so before anything else is opened.
  const queue = await openQueue({ url: cfg.redis.url, prefix: cfg.redis.queuePrefix, attempts: cfg.jobs.attempts, backoffMs: cfg.jobs.backoffMs });
  let db: Db;
  try {
    db = await openDb(cfg.store.databaseUrl ? { databaseUrl: cfg.store.databaseUrl } : { dataDir: resolve(cfg.store.dataDir) });
  } catch (e) {
    await queue.close();
    throw e;
  }
  const transport: Transport =
    cfg.outbound.transport === 'smtp'
      ? createSmtpTransport({
          host: cfg.outbound.smtp.host,
          port: cfg.outbound.smtp.port,
          secure: cfg.outbound.smtp.secure,
          ...(cfg.outbound.smtp.user ? { auth: { user: cfg.outbound.smtp.user, pass: cfg.outbound.smtp.password } } : {}),
        })
      : new MaildirOutbox(resolve(cfg.outbound.outbox));

  let imap: ImapIntake | null = null;
  // Coordinators' public keys come from the desk's key directory, pinned by fingerprint.
  const pub = exportPublicKeys(keys.ring);
  const coordinators = cfg.coordinators.map((c) => ({
    name: c.name,
    email: c.email,
    fingerprints: c.fingerprints,
    ...(c.lang ? { lang: c.lang } : {}),
    armoredKeys: pub.filter((k) => c.fingerprints.some((f) => f.replace(/\s+/g, '').toUpperCase() === k.fingerprint)).map((k) => k.armored),
  }));
  for (const c of coordinators) if (c.armoredKeys.length === 0) L.warn(`no key in ${cfg.desk.keysDir} for coordinator ${c.name}: alerts to them are withheld`);
  const desk = new Desk({
    coordinators,
    settings: { ...DEFAULT_SETTINGS, ...cfg.coordination },
    trust: cfg.trust,
    digest: cfg.digest,
    timedMail: cfg.timedMail.businessDaysOnly ? { time: cfg.timedMail.time } : null,
    // issue 11: web.enabled false never fetches (the operators registry is still read).
    web: cfg.web.enabled ? webOptionsFromConfig(cfg.web) : null,
    priorityContacts: cfg.priorityNotice.contacts,
    publicDir: resolve(cfg.desk.publicDir),
    publisher: { name: cfg.desk.name, namespace: cfg.exports.csafNamespace, advisoryUrl: cfg.exports.advisoryUrl === '' ? null : cfg.exports.advisoryUrl },
    db,
    queue,
    transport,
    signer: keys.signer,
    ring: keys.ring,
    address: cfg.desk.address,
    casePrefix: cfg.desk.casePrefix,
    limits: limitsFromMb(cfg.limits.maxMessageMb, cfg.limits.maxDecompressedMb),
    answerLimits: { perHour: cfg.limits.answersPerAddressPerHour, perDay: cfg.limits.answersPerAddressPerDay },
    log,
    logger: L,
    clock: opts.clock ?? deskClock(process.env.MADOGUCHI_CLOCK_FILE),
    filer: {
      async file(source, sourceRef, outcome) {
        if (!source.startsWith('imap:') || !sourceRef) return;
        // Never skip silently: a message marked filed but left in the inbox is lost work.
        // Until the intake is up the job fails and is retried.
        if (!imap) throw new Error('IMAP intake not started yet (will retry)');
        const [uidValidity, uid] = sourceRef.split(':').map(Number);
        await imap.file({ mailbox: source.slice(5), uidValidity: uidValidity!, uid: uid! }, outcome);
      },
    },
  });

  // Intake first: jobs the reconciler re-enqueues may need it (file moves IMAP messages).
  let maildir: MaildirIntake | null = null;
  if (cfg.intake.maildir) {
    maildir = startMaildirIntake(resolve(cfg.intake.maildir), async (raw, name) => void (await desk.accept(raw, 'maildir', name)), log);
    log(`reading Maildir ${resolve(cfg.intake.maildir)}`);
  }
  if (cfg.intake.imap.host) {
    const s = cfg.intake.imap;
    imap = startImapIntake(
      s,
      {
        get: (mb) => getCheckpoint(db, mb),
        set: (mb, cp) => setCheckpoint(db, mb, cp).then(() => undefined),
      },
      async (raw, ref) => void (await desk.accept(raw, `imap:${ref.mailbox}`, `${ref.uidValidity}:${ref.uid}`)),
      log,
    );
  }
  const stopWorker = workDesk(queue, desk, db, { attempts: cfg.jobs.attempts, concurrency: cfg.jobs.concurrency }, L);
  const requeued = await desk.reconcile();
  if (requeued > 0) L.info('reconciled: unfinished items re-enqueued', { items: requeued });

  // Redis keeps nothing on disk here: after a Redis restart the queue is empty while the
  // database still lists unfinished work. Reconciling periodically heals that without a
  // desk restart (jobs are deduplicated by id, so this re-adds only what is missing).
  let reconciling = false;
  const reconcileTimer = setInterval(() => {
    if (reconciling) return;
    reconciling = true;
    desk
      .reconcile()
      .then((n) => (n > 0 ? L.debug('reconcile', { items: n }) : undefined))
      .catch((e: unknown) => L.warn('reconcile failed', { reason: loggableReason(e) }))
      .finally(() => (reconciling = false));
  }, cfg.jobs.reconcileSeconds * 1000);
  reconcileTimer.unref();
  // The clock's tick (reminders, publication...) is one BullMQ job scheduler per
  // deployment, not a timer in each process: two desks on one database tick once. Redis
  // without persistence loses the schedule with everything else, so the reconcile loop
  // above sets it again (idempotent).
  const schedule = (): Promise<void> => queue.schedule(TICK_SCHEDULER, 'tick', cfg.jobs.tickSeconds * 1000);
  await schedule();
  const scheduleTimer = setInterval(() => void schedule().catch((e: unknown) => L.warn('tick schedule failed', { reason: loggableReason(e) })), cfg.jobs.reconcileSeconds * 1000);
  scheduleTimer.unref();
  for (const line of describeDesk(cfg, coordinators)) log(line);
  log(`desk ${cfg.desk.address} running (${cfg.outbound.transport} out${cfg.store.databaseUrl ? ', PostgreSQL' : ', embedded PGlite'})`);

  let stopping: Promise<void> | null = null;
  return {
    desk,
    db,
    queue,
    imap,
    stop() {
      stopping ??= (async () => {
        const step = async (what: string, fn: () => Promise<void> | undefined): Promise<void> => {
          const t0 = Date.now();
          await fn();
          L.debug(`stopped ${what}`, { ms: Date.now() - t0 });
        };
        clearInterval(reconcileTimer);
        clearInterval(scheduleTimer);
        await step('maildir intake', () => maildir?.stop());
        await step('imap intake', () => imap?.stop());
        await step('worker', () => stopWorker());
        // After the queue's worker, which lets its running jobs finish: no notice is left
        // waiting on a CSAF validation when the validator thread goes.
        await step('csaf validator', () => stopCsafValidator());
        await step('queue', () => queue.close());
        await step('transport', () => transport.close());
        await step('store', () => db.close());
      })();
      return stopping;
    },
  };
}

/**
 * The queue's worker for `desk`: runs each job, makes a PermanentError final at once, and
 * hands every job that failed for good to `desk.onFinalFailure` (issue 9 §6: nothing is
 * left failed in silence). One log line per message read (kind, verdict: codes only), per
 * notice sent, per job retried or failed for good (issue 10); the rest at debug.
 */
export function workDesk(queue: JobQueue, desk: Desk, db: Db, o: { attempts: number; concurrency: number }, L: Log): () => Promise<void> {
  return queue.work(
    async (name, data, attempt) => {
      const t0 = Date.now();
      const ids = { job: name, message: data.messageId, notice: data.noticeId, attempt };
      try {
        await desk.handle(name, data);
      } catch (e) {
        // Not a failure: the job looks again later (a notice waiting for another).
        if (e instanceof DeferredError) {
          L.debug('job deferred', { ...ids, reason: e.message, delayMs: e.delayMs });
          throw new DeferJobError(e.message, e.delayMs);
        }
        const final = e instanceof PermanentError || attempt >= o.attempts;
        if (!final) L.warn('job failed, will retry', { ...ids, ms: Date.now() - t0, reason: loggableReason(e) });
        if (e instanceof PermanentError) throw new PermanentJobError(e.message);
        throw e;
      }
      const ms = Date.now() - t0;
      if (name === 'triage' && data.messageId !== undefined) {
        const f = await messageLogFacts(db, data.messageId).catch(() => null);
        L.info('message', { message: data.messageId, ...(f ?? {}), ms });
      } else if (name === 'notify') L.info('notice sent', { notice: data.noticeId, ms });
      else L.debug('job done', { ...ids, ms });
    },
    o.concurrency,
    (name, data, reason) => {
      L.error('job failed for good', { job: name, message: data.messageId, notice: data.noticeId, reason: loggableReason(new Error(reason)) });
      // The queue adapter drops what this throws: say it here (the database may be down).
      return desk.onFinalFailure(name, data, reason).catch((e: unknown) => L.error('final failure not recorded', { job: name, message: data.messageId, notice: data.noticeId, reason: loggableReason(e) }));
    },
  );
}

/**
 * What the desk says at start (issue 10, "the desk explains itself"): where it reads mail,
 * where its answers go, and whom it trusts to decide. No coordinator means no case can be
 * accepted, stopped or published: that is said loudly, not left to be discovered.
 */
export function describeDesk(cfg: Config, coordinators: { name: string; email: string; fingerprints: string[]; armoredKeys: string[] }[]): string[] {
  const lines: string[] = [];
  if (cfg.intake.maildir) lines.push(`listening: Maildir ${resolve(cfg.intake.maildir)}`);
  if (cfg.intake.imap.host) {
    const i = cfg.intake.imap;
    lines.push(`listening: IMAP ${i.user}@${i.host}:${i.port} mailbox ${i.mailbox}${i.secure ? ' (TLS)' : ''}; filed to ${i.processedMailbox} / ${i.failedMailbox}`);
  }
  if (!cfg.intake.maildir && !cfg.intake.imap.host) lines.push('WARNING: no intake configured (intake.maildir / IMAP_HOST): the desk reads no mail');
  lines.push(
    cfg.outbound.transport === 'smtp'
      ? `answers: SMTP ${cfg.outbound.smtp.host}:${cfg.outbound.smtp.port}${cfg.outbound.smtp.secure ? ' (TLS)' : ''}`
      : `answers: Maildir ${resolve(cfg.outbound.outbox)}`,
  );
  if (coordinators.length === 0) {
    lines.push('WARNING: no coordinator is configured (coordinators in config/local.yaml or MADOGUCHI_COORDINATORS): reports are acknowledged, but no case can be decided, no vendor notified and no command mail accepted');
  }
  for (const c of coordinators) {
    lines.push(`coordinator: ${c.name} <${c.email}> key ${c.fingerprints.join(', ')}${c.armoredKeys.length === 0 ? ' (public key missing: alerts to them are withheld)' : ''}`);
  }
  return lines;
}
