// `digest`: the coordinators' morning digest (issue 11; docs/decisions.md "The coordinators'
// digest"). The context is the Digest the pure rules build (src/rules/digest.ts buildDigest)
// as it is: ids, states, product names, vendor ids, dates, counts, codes and commands. Never
// the vulnerability, the reporter or text from a message: the schema has no key that could
// carry them, and every string is one line with a bounded length (an id, a code or a name).
// Each line shows the case (or draft, message, key) it is about and the command to act on
// it; a digest with nothing to report is one line (silence means the desk is broken).
import { z } from 'zod';
import { formatJst, type IsoDate } from '../domain/clock.ts';
import {
  DIGEST_SECTION_ORDER,
  FAILED_JOB_EVENTS,
  OVERDUE_REASONS,
  REFUSED_MAIL_SOURCES,
  type Action,
  type Digest,
  type DigestSection,
  type DigestVulnerability,
  type KeyOwner,
} from '../rules/digest.ts';
import { defineNotice, type Lang } from './notice.ts';
import { bool, caseId, day, FINGERPRINT, instant, line, list, name, number, oneOf, strict } from './schema.ts';
import { formatFingerprint, safe } from './view.ts';

const MAX_LINES = 500;
const code = line(64, /^[a-z0-9][a-z0-9-]*$/);
const keyword = line(40, /^X-[A-Z]+(?:-[A-Z]+)*$/);
const argv = line(200);
const whole = (max: number): z.ZodType<number> => number(-max, max, true);
const ids = list(number(0, Number.MAX_SAFE_INTEGER, true), 50, 0);
const orNull = <T>(t: z.ZodType<T>): z.ZodType<T | null> => t.nullable();

const action: z.ZodType<Action> = z.union([
  strict({ via: z.literal('mail'), keyword, arg: line(200).optional() }),
  strict({ via: z.literal('cli'), argv: list(argv, 10) }),
]);
const actions = list(action, 20, 0);
const vendorId = line(64);
const owner: z.ZodType<KeyOwner> = z.union([
  strict({ kind: z.literal('desk') }),
  strict({ kind: z.literal('coordinator'), name }),
  strict({ kind: z.literal('vendor'), id: vendorId }),
]);
const DRAFT_TAG = /^DRAFT-[A-Za-z0-9-]{1,60}$/;
const lines = <T>(of: z.ZodType<T>): z.ZodType<T[]> => list(of, MAX_LINES, 1);

// issue 12: a case's vulnerabilities as codes and numbers (never a summary).
const vulnerabilities = list(
  strict({
    number: number(1, 999, true),
    cwe: orNull(line(20, /^CWE-[1-9][0-9]*$/)),
    cve: orNull(line(30, /^CVE-[0-9]{4}-[0-9]{4,19}$/)),
    score: orNull(number(0, 10)),
    severity: orNull(oneOf(['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])),
    vendors: list(strict({ id: line(64), status: oneOf(['affected', 'not-affected', 'fixed', 'unknown']) }), 100, 0),
  }),
  50,
  0,
).optional();
const newCase = strict({ type: z.literal('case'), caseId, caseKind: code, state: code, products: list(name, 20, 0), openedAt: instant, actions, vulnerabilities });
const newDraft = strict({ type: z.literal('draft'), tag: line(80, DRAFT_TAG), openedAt: instant, missing: list(code, 50, 0), caseId: orNull(caseId), actions });
const section = z.discriminatedUnion('kind', [
  strict({ kind: z.literal('new'), lines: lines(z.union([newCase, newDraft])) }),
  strict({
    kind: z.literal('awaiting-decision'),
    lines: lines(strict({ caseId, state: code, who: list(oneOf(['coordinator', 'committee']), 2), vendorIds: list(vendorId, 50, 0), dates: list(day, 20, 0), lastActivity: orNull(instant), actions, vulnerabilities })),
  }),
  strict({
    kind: z.literal('overdue'),
    lines: lines(
      strict({
        caseId,
        state: code,
        reasons: list(oneOf(OVERDUE_REASONS), OVERDUE_REASONS.length),
        targetJst: orNull(day),
        agreedJst: orNull(day),
        daysLate: whole(100_000),
        actions,
        vulnerabilities,
      }),
    ),
  }),
  strict({
    kind: z.literal('silent'),
    days: whole(365),
    lines: lines(
      strict({
        caseId,
        party: oneOf(['vendor', 'operator']),
        partyId: vendorId,
        product: orNull(name),
        status: line(100),
        reminders: whole(10_000),
        silentSince: instant,
        days: whole(100_000),
        actions,
      }),
    ),
  }),
  strict({
    kind: z.literal('unreachable'),
    lines: lines(strict({ caseId, vendorId, product: orNull(name), since: orNull(instant), listedSince: orNull(instant), productListedSince: orNull(instant), actions })),
  }),
  strict({ kind: z.literal('publications'), days: whole(365), lines: lines(strict({ caseId, date: day, daysLeft: whole(365), products: list(name, 20, 0), actions, vulnerabilities })) }),
  strict({
    kind: z.literal('refused-mail'),
    total: whole(10_000_000),
    lines: lines(strict({ source: oneOf(REFUSED_MAIL_SOURCES), code, count: whole(10_000_000), messageIds: ids, actions })),
  }),
  strict({
    kind: z.literal('failed-jobs'),
    total: whole(10_000_000),
    lines: lines(
      strict({
        event: oneOf(FAILED_JOB_EVENTS),
        job: orNull(code),
        code,
        count: whole(10_000_000),
        caseIds: list(caseId, 200, 0),
        messageIds: ids,
        last: instant,
        actions,
      }),
    ),
  }),
  strict({
    kind: z.literal('keys'),
    days: whole(3650),
    lines: lines(strict({ owner, fingerprint: z.union([line(40, FINGERPRINT), z.literal('unknown')]), expiresAt: orNull(instant), expired: bool, daysLeft: orNull(whole(1_000_000)), actions })),
  }),
]);

export const schema = strict({
  day,
  now: instant,
  since: orNull(instant),
  sections: list(section, DIGEST_SECTION_ORDER.length, 0) as unknown as z.ZodType<DigestSection[]>,
  empty: bool,
}).superRefine((c, ctx) => {
  if (c.empty !== (c.sections.length === 0)) ctx.addIssue({ code: 'custom', path: ['empty'], message: 'must be true exactly when there is no section' });
  const kinds = c.sections.map((s) => s.kind);
  const ordered = DIGEST_SECTION_ORDER.filter((k) => kinds.includes(k));
  if (kinds.length !== ordered.length || kinds.some((k, i) => k !== ordered[i])) ctx.addIssue({ code: 'custom', path: ['sections'], message: 'must be distinct kinds in the digest order' });
});

// ---- the view ------------------------------------------------------------------------------

/** Placeholders for a keyword's argument the digest does not know (docs/commands.md). */
const ARG_PLACEHOLDER: Record<string, string> = { 'X-SET-DATE': '<YYYY-MM-DD>', 'X-ADD-VENDOR': '<vendor-id>', 'X-RELAY': '<vendor-id>' };

/** A command as the coordinator writes it: mail lines (`X-CASE: …` then the keyword) or a command line. */
function commandText(a: Action, subject: string | null): string {
  if (a.via === 'cli') return `madoguchi ${a.argv.map(safe).join(' ')}`;
  const arg = a.arg ?? ARG_PLACEHOLDER[a.keyword];
  const kw = arg === undefined ? a.keyword : `${a.keyword}: ${safe(arg)}`;
  return subject === null ? kw : `X-CASE: ${subject} / ${kw}`;
}

const T = {
  ja: {
    title: (n: number) => `本日の要対応事項（${n} 件）`,
    sections: {
      new: '新しい案件・下書き',
      'awaiting-decision': '判断を待っている案件',
      overdue: '期限を過ぎた案件',
      silent: (d: number) => `${d} 日以上応答のない製品開発者・サイト運営者`,
      unreachable: '連絡不能の製品開発者',
      publications: (d: number) => `${d} 日以内に公表予定の案件`,
      'refused-mail': (n: number) => `拒否したメール・認証できなかったメール（計 ${n} 通）`,
      'failed-jobs': (n: number) => `失敗した処理（計 ${n} 件）`,
      keys: (d: number) => `${d} 日以内に期限切れとなる鍵・使えない鍵`,
    },
    state: (s: string) => `状態 ${s}`,
    products: (p: string[]) => (p.length ? `製品：${p.join('、')}` : ''),
    newCase: (kind: string) => (kind === 'website' ? '新しい案件（ウェブサイト）' : kind === 'product' ? '新しい案件（ソフトウエア製品）' : `新しい案件（${kind}）`),
    draft: (missing: string[], c: string | null) => `下書き（発見者の追記待ち${missing.length ? `、未記入：${missing.join('、')}` : ''}）${c ? `→ 案件 ${c} になりました` : ''}`,
    who: (w: string[]) => `${w.map((x) => (x === 'committee' ? '委員会' : '調整機関')).join('・')}の判断待ち`,
    vendors: (v: string[]) => (v.length ? `製品開発者 ${v.join('、')}` : ''),
    dates: (d: string[]) => (d.length ? `日付 ${d.join('、')}` : ''),
    reason: { 'agreed-date-passed': '合意した公表日を過ぎています', 'target-passed': '目標の公表日を過ぎています', 'committee-late': '委員会の判断が遅れています', 'fix-target-passed': '修正の目標日を過ぎています（ウェブサイト）' } as Record<string, string>,
    late: (n: number) => (n > 0 ? `${n} 日超過` : ''),
    silentLine: (party: string, id: string, days: number, status: string, rem: number) =>
      `${party === 'operator' ? 'サイト運営者' : '製品開発者'} ${id}：${days} 日応答なし（${status}、督促 ${rem} 回）`,
    unreachableLine: (id: string, since: string | null, listed: string | null) => `製品開発者 ${id}：連絡不能${since ? `（${since} から）` : ''}${listed ? `、連絡不能一覧に掲載（${listed} から）` : ''}`,
    publication: (date: string, left: number) => `公表予定日 ${date}（${left === 0 ? '本日' : `あと ${left} 日`}）`,
    refused: (src: string, c: string, n: number, m: number[]) => `${SOURCE.ja[src] ?? src}：${c} ${n} 通${m.length ? `（メッセージ番号 ${m.join(', ')}）` : ''}`,
    failed: (ev: string, job: string | null, c: string, n: number, cs: string[], last: string) => `${ev}${job ? `（${job}）` : ''}：${c} ${n} 件、最終 ${last}${cs.length ? `、案件 ${cs.join('、')}` : ''}`,
    key: (o: KeyOwner, fpr: string, exp: string | null, expired: boolean, left: number | null) =>
      `${OWNER.ja(o)} の鍵 ${fpr}：${expired ? (exp ? `期限切れ（${exp}）` : '使えません（失効・読めない・暗号化用の鍵なし）') : `${exp ?? ''} に期限切れ（あと ${left ?? 0} 日）`}`,
    silentSince: (s: string) => `最後の連絡 ${s}`,
    opened: (s: string) => `受付 ${s}`,
  },
  en: {
    title: (n: number) => `What needs attention today (${n} item${n === 1 ? '' : 's'})`,
    sections: {
      new: 'New cases and drafts',
      'awaiting-decision': 'Cases awaiting a decision',
      overdue: 'Cases past their date',
      silent: (d: number) => `Vendors and site operators silent for ${d} days or more`,
      unreachable: 'Unreachable vendors',
      publications: (d: number) => `Publications in the next ${d} days`,
      'refused-mail': (n: number) => `Refused or unauthenticated mail (${n} in all)`,
      'failed-jobs': (n: number) => `Failed jobs (${n} in all)`,
      keys: (d: number) => `Keys expiring within ${d} days, or unusable`,
    },
    state: (s: string) => `state ${s}`,
    products: (p: string[]) => (p.length ? `product: ${p.join(', ')}` : ''),
    newCase: (kind: string) => (kind === 'website' ? 'new case (website)' : kind === 'product' ? 'new case (software product)' : `new case (${kind})`),
    draft: (missing: string[], c: string | null) => `draft, waiting for its reporter${missing.length ? ` (missing: ${missing.join(', ')})` : ''}${c ? `; became case ${c}` : ''}`,
    who: (w: string[]) => `waiting for the ${w.map((x) => (x === 'committee' ? 'committee' : 'coordinators')).join(' and ')}`,
    vendors: (v: string[]) => (v.length ? `vendors ${v.join(', ')}` : ''),
    dates: (d: string[]) => (d.length ? `dates ${d.join(', ')}` : ''),
    reason: { 'agreed-date-passed': 'the agreed publication date has passed', 'target-passed': 'the target publication date has passed', 'committee-late': "the committee's decision is late", 'fix-target-passed': 'the fix target has passed (website)' } as Record<string, string>,
    late: (n: number) => (n > 0 ? `${n} day${n === 1 ? '' : 's'} late` : ''),
    silentLine: (party: string, id: string, days: number, status: string, rem: number) => `${party === 'operator' ? 'site operator' : 'vendor'} ${id}: silent for ${days} days (${status}, ${rem} reminder${rem === 1 ? '' : 's'})`,
    unreachableLine: (id: string, since: string | null, listed: string | null) => `vendor ${id}: unreachable${since ? ` since ${since}` : ''}${listed ? `; on the unreachable list since ${listed}` : ''}`,
    publication: (date: string, left: number) => `publication on ${date} (${left === 0 ? 'today' : `in ${left} day${left === 1 ? '' : 's'}`})`,
    refused: (src: string, c: string, n: number, m: number[]) => `${SOURCE.en[src] ?? src}: ${c} × ${n}${m.length ? ` (messages ${m.join(', ')})` : ''}`,
    failed: (ev: string, job: string | null, c: string, n: number, cs: string[], last: string) => `${ev}${job ? ` (${job})` : ''}: ${c} × ${n}, last ${last}${cs.length ? `; cases ${cs.join(', ')}` : ''}`,
    key: (o: KeyOwner, fpr: string, exp: string | null, expired: boolean, left: number | null) =>
      `${OWNER.en(o)} key ${fpr}: ${expired ? (exp ? `expired (${exp})` : 'unusable (revoked, unreadable or no encryption key)') : `expires ${exp ?? ''} (in ${left ?? 0} day${left === 1 ? '' : 's'})`}`,
    silentSince: (s: string) => `last heard ${s}`,
    opened: (s: string) => `received ${s}`,
  },
};
const SOURCE: Record<Lang, Record<string, string>> = {
  ja: { rejected: '受付で拒否', 'command-mail-refused': '権限のないコマンドメール', 'reply-refused': '拒否した返信', 'reporter-message-refused': '拒否した発見者のメール' },
  en: { rejected: 'rejected on receipt', 'command-mail-refused': 'command mail given no authority', 'reply-refused': 'reply refused', 'reporter-message-refused': "reporter's mail refused" },
};
const OWNER: Record<Lang, (o: KeyOwner) => string> = {
  ja: (o) => (o.kind === 'desk' ? '窓口' : o.kind === 'coordinator' ? `調整担当 ${safe(o.name)}` : `製品開発者 ${o.id}`),
  en: (o) => (o.kind === 'desk' ? "the desk's" : o.kind === 'coordinator' ? `coordinator ${safe(o.name)}'s` : `vendor ${o.id}'s`),
};

interface ViewLine {
  /** The case, draft or other subject, first on the line. */
  head: string;
  text: string;
  /** The case's vulnerabilities, one line each (issue 12). */
  vulns?: string[];
  commands: string[];
}

/** `#2 CWE-79 6.1 MEDIUM CVE-2026-40002 acme:fixed beta:affected`: codes only, no summary. */
function vulnLines(lang: Lang, vs: readonly DigestVulnerability[] | undefined): { vulns?: string[] } {
  if (vs === undefined || vs.length === 0) return {};
  const none = lang === 'ja' ? { cwe: 'CWE なし', cvss: 'CVSS なし', cve: 'CVE 未採番' } : { cwe: 'no CWE', cvss: 'no CVSS', cve: 'no CVE' };
  return {
    vulns: vs.map((v) =>
      [
        `${lang === 'ja' ? '脆弱性' : 'vulnerability'} ${String(v.number)}`,
        v.cwe ?? none.cwe,
        v.score !== null ? `${v.score.toFixed(1)} ${v.severity ?? ''}`.trim() : none.cvss,
        v.cve ?? none.cve,
        ...v.vendors.map((x) => `${x.id}:${x.status}`),
      ].join(' '),
    ),
  };
}
interface ViewSection {
  title: string;
  lines: ViewLine[];
}

const join = (parts: string[], lang: Lang): string => parts.filter((p) => p !== '').join(lang === 'ja' ? '、' : '; ');
const cmds = (as: readonly Action[], subject: string | null): string[] => as.map((a) => commandText(a, subject));
const at = (d: Date | null): string | null => (d ? formatJst(d) : null);
const dateOf = (d: Date | null): IsoDate | null => (d ? formatJst(d).slice(0, 10) : null);

function viewSection(lang: Lang, s: DigestSection): ViewSection {
  const t = T[lang];
  switch (s.kind) {
    case 'new':
      return {
        title: t.sections.new,
        lines: s.lines.map((l) =>
          l.type === 'case'
            ? { head: l.caseId, text: join([t.newCase(l.caseKind), t.state(l.state), t.products(l.products.map(safe)), t.opened(formatJst(l.openedAt))], lang), ...vulnLines(lang, l.vulnerabilities), commands: cmds(l.actions, l.caseId) }
            : { head: l.tag, text: join([t.draft(l.missing, l.caseId), t.opened(formatJst(l.openedAt))], lang), commands: cmds(l.actions, l.caseId) },
        ),
      };
    case 'awaiting-decision':
      return { title: t.sections['awaiting-decision'], lines: s.lines.map((l) => ({ head: l.caseId, text: join([t.who(l.who), t.state(l.state), t.vendors(l.vendorIds), t.dates(l.dates)], lang), ...vulnLines(lang, l.vulnerabilities), commands: cmds(l.actions, l.caseId) })) };
    case 'overdue':
      return { title: t.sections.overdue, lines: s.lines.map((l) => ({ head: l.caseId, text: join([...l.reasons.map((r) => t.reason[r] ?? r), t.late(l.daysLate), t.state(l.state)], lang), ...vulnLines(lang, l.vulnerabilities), commands: cmds(l.actions, l.caseId) })) };
    case 'silent':
      return {
        title: t.sections.silent(s.days),
        lines: s.lines.map((l) => ({ head: l.caseId, text: join([t.silentLine(l.party, l.partyId, l.days, safe(l.status), l.reminders), t.products(l.product ? [safe(l.product)] : []), t.silentSince(formatJst(l.silentSince))], lang), commands: cmds(l.actions, l.caseId) })),
      };
    case 'unreachable':
      return { title: t.sections.unreachable, lines: s.lines.map((l) => ({ head: l.caseId, text: join([t.unreachableLine(l.vendorId, dateOf(l.since), dateOf(l.listedSince)), t.products(l.product ? [safe(l.product)] : [])], lang), commands: cmds(l.actions, l.caseId) })) };
    case 'publications':
      return { title: t.sections.publications(s.days), lines: s.lines.map((l) => ({ head: l.caseId, text: join([t.publication(l.date, l.daysLeft), t.products(l.products.map(safe))], lang), ...vulnLines(lang, l.vulnerabilities), commands: cmds(l.actions, l.caseId) })) };
    case 'refused-mail':
      return { title: t.sections['refused-mail'](s.total), lines: s.lines.map((l) => ({ head: l.code, text: t.refused(l.source, l.code, l.count, l.messageIds), commands: cmds(l.actions, null) })) };
    case 'failed-jobs':
      return { title: t.sections['failed-jobs'](s.total), lines: s.lines.map((l) => ({ head: l.code, text: t.failed(l.event, l.job, l.code, l.count, l.caseIds, formatJst(l.last)), commands: cmds(l.actions, null) })) };
    case 'keys':
      return {
        title: t.sections.keys(s.days),
        lines: s.lines.map((l) => ({
          head: l.fingerprint === 'unknown' ? l.fingerprint : l.fingerprint.slice(-16),
          text: t.key(l.owner, l.fingerprint === 'unknown' ? l.fingerprint : formatFingerprint(l.fingerprint), at(l.expiresAt), l.expired, l.daysLeft),
          commands: cmds(l.actions, null),
        })),
      };
  }
}

export default defineNotice<Digest>()({
  template: 'digest',
  schema,
  view: (lang, c) => {
    // Every line has its (possibly empty) vulnerability lines: the template reads `vulns` on each (strict).
    const sections = c.sections.map((s) => viewSection(lang, s)).map((s) => ({ ...s, lines: s.lines.map((l) => ({ ...l, vulns: l.vulns ?? [] })) }));
    const items = sections.reduce((n, s) => n + s.lines.length, 0);
    return {
      day: c.day,
      now: formatJst(c.now),
      hasSince: c.since !== null,
      since: c.since ? formatJst(c.since) : '',
      empty: c.empty,
      title: T[lang].title(items),
      sections,
    };
  },
});
