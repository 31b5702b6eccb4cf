// The coordinators' vulnerability commands applied to a case (issue 12 "several
// vulnerabilities per case"): X-ADD-VULNERABILITY, X-SPLIT-VULNERABILITY, X-SET-CVE. They
// change the case's vulnerabilities (src/store/vulnerabilities.ts), not its product-track
// state, so no rules event and no notice: the vulnerabilities reach the parties through
// the notices sent afterwards (vendor notification, advisory) and the exports. Each one
// is recorded on the case's timeline, in the caller's transaction.
import { scoreCvss } from '../adapters/cvss.ts';
import type { AddVulnerabilityCommand } from '../commands/add-vulnerability.ts';
import type { Command } from '../commands/parse.ts';
import type { SetCveCommand } from '../commands/set-cve.ts';
import type { AppliedDetails } from '../commands/spec.ts';
import type { SplitVulnerabilityCommand } from '../commands/split-vulnerability.ts';
import type { CommandError } from '../domain/refusals.ts';
import type { ReportForm, VendorReplyForm, VendorStatus } from '../domain/inspect.ts';
import type { FieldProblem } from '../forms/field-checks.ts';
import { readVulnerabilityNumbers } from '../forms/values.ts';
import { advisoryStatus } from '../rules/product.ts';
import type { CaseVendor, ProductCase } from '../rules/product-state.ts';
import type { Db } from '../store/handle.ts';
import { appendTimeline } from '../store/repo.ts';
import {
  addVulnerability,
  copyVendorStatuses,
  findVulnerabilityByCve,
  listVulnerabilities,
  clearVendorVulnerabilityStatuses,
  listVendorVulnerabilityStatuses,
  setVendorVulnerabilityStatus,
  setVulnerabilityCve,
  type StoredCvss,
  type VulnerabilityStatus,
  type Vulnerability,
} from '../store/vulnerabilities.ts';

export type VulnerabilityCommand = AddVulnerabilityCommand | SplitVulnerabilityCommand | SetCveCommand;

export function isVulnerabilityCommand(c: Command): c is VulnerabilityCommand {
  return c.kind === 'add-vulnerability' || c.kind === 'split-vulnerability' || c.kind === 'set-cve';
}

export type VulnerabilityOutcome = { ok: true; details: AppliedDetails } | { ok: false; error: CommandError };

/** A vector as the command carries it (parse.ts scored it already), scored for the store. */
function stored(vector: string | null): StoredCvss | null {
  if (vector === null) return null;
  const r = scoreCvss(vector);
  // parse.ts refused a vector that does not score; this is the same vector.
  if (!r.ok) throw new Error(`a vector that scored when read does not score now: ${r.error}`);
  return { vector: r.score.vector, version: r.score.version, baseScore: r.score.baseScore, severity: r.score.baseSeverity };
}

const scoreText = (c: StoredCvss | null): string | undefined => (c === null ? undefined : `${c.baseScore.toFixed(1)} ${c.severity}`);

/**
 * The case's vulnerabilities as stored rows: the implicit vulnerability 1 (read from the
 * report, migration 020) is stored first, as it stands, so a second one gets number 2 and
 * vulnerability 1 keeps what the parties were told. The reporter's CVSS text is stored
 * only when it scores (src/adapters/cvss.ts; never guessed), else left out and said so.
 */
async function materialise(tx: Db, caseId: string): Promise<{ list: Vulnerability[]; materialised: boolean; dropped?: string }> {
  const list = await listVulnerabilities(tx, caseId);
  const implicit = list.find((v) => v.implicit);
  if (!implicit) return { list, materialised: false };
  let cvss: StoredCvss | null = null;
  let dropped: string | undefined;
  if (implicit.cvssText !== null) {
    const r = scoreCvss(implicit.cvssText);
    if (r.ok) cvss = { vector: r.score.vector, version: r.score.version, baseScore: r.score.baseScore, severity: r.score.baseSeverity };
    else dropped = r.error;
  }
  await addVulnerability(tx, caseId, { summary: implicit.summary, cwe: implicit.cwe, cvss });
  await appendTimeline(tx, { caseId, actor: 'desk', event: 'vulnerability-stored', data: { number: 1, from: 'report', cwe: implicit.cwe, cvss: cvss?.vector ?? null, ...(dropped ? { cvssLeftOut: dropped } : {}) } });
  return { list: await listVulnerabilities(tx, caseId), materialised: true, ...(dropped ? { dropped } : {}) };
}

/**
 * A report with numbered vulnerability blocks (docs/report-form.md) opens a case with
 * each of them stored, 1 first, in the transaction that creates the case: the parties are
 * told of every vulnerability from the start, not only of the first. A CWE is kept only
 * as `CWE-n` read from the type; a CVSS text only when it scores (src/adapters/cvss.ts;
 * never guessed), else left out and said so on the timeline. A report without blocks
 * stores nothing: its vulnerability 1 is read from the report (migration 020's view).
 */
export async function storeReportedVulnerabilities(tx: Db, caseId: string, report: ReportForm): Promise<number> {
  const blocks = report.vulnerabilities ?? [];
  if (blocks.length < 2) return 0;
  for (const b of [...blocks].sort((x, y) => x.number - y.number)) {
    if (b.summary === undefined || b.summary.trim() === '') continue;
    const cwe = /\bCWE-([1-9][0-9]*)\b/iu.exec(b.type ?? '');
    let cvss: StoredCvss | null = null;
    let leftOut: string | undefined;
    if (b.cvss !== undefined && b.cvss.trim() !== '') {
      const r = scoreCvss(b.cvss);
      if (r.ok) cvss = { vector: r.score.vector, version: r.score.version, baseScore: r.score.baseScore, severity: r.score.baseSeverity };
      else leftOut = r.error;
    }
    const v = await addVulnerability(tx, caseId, { summary: b.summary.trim(), cwe: cwe ? `CWE-${cwe[1]!}` : null, cvss });
    await appendTimeline(tx, { caseId, actor: 'desk', event: 'vulnerability-stored', data: { number: v.number, from: 'report', block: b.number, cwe: v.cwe, cvss: cvss?.vector ?? null, ...(leftOut ? { cvssLeftOut: leftOut } : {}) } });
  }
  return (await listVulnerabilities(tx, caseId)).length;
}

/**
 * A vendor self-report's one vulnerability (guideline §6; docs/partner-form.md), stored as
 * vulnerability 1 in the transaction that opens the case: its summary, the CVE id as the
 * vendor gave it (the caller checked that no other case's vulnerability has it) and the
 * vector as scored (the caller refused one that does not score). Recorded on the timeline.
 */
export async function storeSelfReportedVulnerability(tx: Db, caseId: string, v: { summary: string; cveId: string | null; cvss: StoredCvss | null }): Promise<Vulnerability> {
  const stored = await addVulnerability(tx, caseId, { summary: v.summary.trim(), cwe: null, cvss: v.cvss, cveId: v.cveId });
  await appendTimeline(tx, { caseId, actor: 'desk', event: 'vulnerability-stored', data: { number: stored.number, from: 'self-report', cve: stored.cveId, cwe: null, cvss: v.cvss?.vector ?? null } });
  return stored;
}

/** Applies one vulnerability command in `tx` (the caller's transaction). */
export async function applyVulnerabilityCommand(tx: Db, caseId: string, cmd: VulnerabilityCommand, snapshot: ProductCase, actor: string): Promise<VulnerabilityOutcome> {
  // A case stopped or not accepted has nothing to describe; once published, the advisory
  // is out (guideline §3.13): a vulnerability found later is a case of its own. A CVE id
  // may come after publication and is set at any time.
  if (cmd.kind !== 'set-cve' && (snapshot.rm === 'invalid' || snapshot.rm === 'closed' || snapshot.publishedAt !== null)) {
    return { ok: false, error: { code: 'not-allowed', state: snapshot.publishedAt !== null ? 'published' : snapshot.rm } };
  }
  if (cmd.kind === 'set-cve' && snapshot.rm === 'invalid') return { ok: false, error: { code: 'not-allowed', state: snapshot.rm } };

  if (cmd.kind !== 'add-vulnerability') {
    const before = await listVulnerabilities(tx, caseId);
    if (!before.some((v) => v.number === cmd.number)) return { ok: false, error: { code: 'unknown-vulnerability', number: cmd.number } };
  }
  if (cmd.kind === 'set-cve') {
    const other = await findVulnerabilityByCve(tx, cmd.cve);
    if (other !== null && !(other.caseId === caseId && other.number === cmd.number)) return { ok: false, error: { code: 'cve-taken', cve: cmd.cve, caseId: other.caseId, number: other.number } };
  }
  const m = await materialise(tx, caseId);
  const extra = { ...(m.materialised ? { materialised: true } : {}), ...(m.dropped !== undefined ? { dropped: m.dropped } : {}) };

  switch (cmd.kind) {
    case 'add-vulnerability': {
      const cvss = stored(cmd.cvss);
      const v = await addVulnerability(tx, caseId, { summary: cmd.summary, cwe: cmd.cwe, cvss });
      await appendTimeline(tx, { caseId, actor, event: 'vulnerability-added', data: { number: v.number, cwe: v.cwe, cvss: cvss?.vector ?? null, score: cvss?.baseScore ?? null } });
      const score = scoreText(cvss);
      return { ok: true, details: { vulnerability: { number: v.number, ...(score ? { score } : {}), ...extra } } };
    }
    case 'split-vulnerability': {
      const from = m.list.find((v) => v.number === cmd.number);
      if (!from) return { ok: false, error: { code: 'unknown-vulnerability', number: cmd.number } };
      const cvss = cmd.cvss !== null ? stored(cmd.cvss) : from.cvss;
      const v = await addVulnerability(tx, caseId, { summary: cmd.summary, cwe: cmd.cwe ?? from.cwe, cvss });
      const copied = await copyVendorStatuses(tx, caseId, from.number, v.number);
      await appendTimeline(tx, { caseId, actor, event: 'vulnerability-split', data: { from: from.number, number: v.number, cwe: v.cwe, cvss: cvss?.vector ?? null, vendorStatusesCopied: copied } });
      const score = scoreText(cvss);
      return { ok: true, details: { vulnerability: { number: v.number, ...(score ? { score } : {}), ...extra } } };
    }
    case 'set-cve': {
      const previous = m.list.find((v) => v.number === cmd.number)?.cveId ?? null;
      if (!(await setVulnerabilityCve(tx, caseId, cmd.number, cmd.cve))) return { ok: false, error: { code: 'unknown-vulnerability', number: cmd.number } };
      await appendTimeline(tx, { caseId, actor, event: 'cve-set', data: { number: cmd.number, cve: cmd.cve, previous } });
      return { ok: true, details: { previousCve: previous } };
    }
  }
}

// ---- a vendor's status per vulnerability (issue 12; docs/decisions.md) ------------------

/**
 * The numbers a vendor reply's `Vulnerability:` line names, checked against the case: null
 * when the line is absent (the status is for every vulnerability); a field problem when it
 * names a vulnerability the case does not have or cannot be read (never taken for all).
 */
export async function namedVulnerabilities(tx: Db, caseId: string, reply: VendorReplyForm): Promise<{ numbers: number[] | null; problem: FieldProblem | null }> {
  if (reply.vulnerability === undefined) return { numbers: null, problem: null };
  const numbers = readVulnerabilityNumbers(reply.vulnerability);
  const known = new Set((await listVulnerabilities(tx, caseId)).map((v) => v.number));
  if (numbers === null || numbers.some((n) => !known.has(n))) return { numbers: null, problem: { field: 'vulnerability', code: 'unknown-vulnerability' } };
  // Naming every vulnerability is the same as naming none.
  return { numbers: numbers.length === known.size ? null : numbers, problem: null };
}

const TO_VULN: Record<VendorStatus, VulnerabilityStatus> = { affected: 'affected', 'not-affected': 'not-affected', investigating: 'unknown', fixed: 'fixed' };

/**
 * Records what a vendor's reply says per vulnerability, before the rules see it, and gives
 * the reply the rules should see (the rules keep one status per vendor: src/rules/product.ts).
 *
 * - No `Vulnerability:` line (or every one named): the status is for all of the case's
 *   vulnerabilities, so the vendor's earlier per-vulnerability statements are cleared and
 *   its answer stands for each (src/export/model.ts resolveStatus).
 * - Some named: the status (fixed versions, advisory URL) is stored for those only, and
 *   the rules get the vendor's status over all of them: affected while any one is
 *   affected, else fixed when any is fixed, not affected when none is, else investigating.
 *   So "vulnerability 2: not affected" never closes a vendor still affected by 1.
 */
export async function recordVendorVulnerabilityStatus(
  tx: Db,
  caseId: string,
  vendorId: string,
  before: CaseVendor | undefined,
  reply: VendorReplyForm,
  numbers: number[] | null,
  actor: string,
): Promise<VendorReplyForm> {
  const { vulnerability: _named, ...rest } = reply;
  if (reply.status === undefined) return rest;
  if (numbers === null) {
    const cleared = await clearVendorVulnerabilityStatuses(tx, caseId, vendorId);
    if (cleared > 0) await appendTimeline(tx, { caseId, actor, event: 'vendor-vulnerability-status', data: { vendor: vendorId, numbers: 'all', status: reply.status, cleared } });
    return rest;
  }
  const status = TO_VULN[reply.status];
  for (const number of numbers) {
    await setVendorVulnerabilityStatus(tx, { caseId, number, vendorId, status, fixedVersions: status === 'fixed' ? (reply.fixedVersions ?? null) : null, advisoryUrl: reply.advisoryUrl ?? null });
  }
  await appendTimeline(tx, { caseId, actor, event: 'vendor-vulnerability-status', data: { vendor: vendorId, numbers, status: reply.status } });
  const own = new Map((await listVendorVulnerabilityStatuses(tx, caseId)).filter((s) => s.vendorId === vendorId).map((s) => [s.number, s.status]));
  const fallback: VulnerabilityStatus = before ? advisoryStatus(before) : 'unknown';
  const each = (await listVulnerabilities(tx, caseId)).map((v) => own.get(v.number) ?? fallback);
  const overall: VendorStatus = each.includes('affected') ? 'affected' : each.includes('fixed') ? 'fixed' : each.every((s) => s === 'not-affected') ? 'not-affected' : 'investigating';
  return { ...rest, status: overall };
}
