// A partner CSIRT's answer about a case the desk handed over to it (issue 12 "Outbound";
// guideline §5; docs/partners.md "Handing a case over"). The handover notice
// (templates/partner-handover.*.hbs) asks for these lines; the same line grammar as every
// form of the desk (lines.ts). A pure parser: which partner signed, which case the signed
// text names and what is done with the answer are the caller's (src/usecases/partner-mail.ts).
//
// - `Status`: what the partner did with the case (a word of HANDOVER_STATUSES);
// - `Partner case ID`: its own id for the case, read against its registered template
//   (the label of the partner case form, src/forms/partner.ts), kept as the case's partner
//   reference so later mail is matched by it;
// - `Requested date`: a publication date the partner asks for. Never applied by itself: it
//   goes to the coordinators (guideline §3.5: one date, agreed by the desk).
import type { PartnerFieldCode } from '../domain/refusals.ts';
import { checkValue, foldValue, type FieldLimit } from './field-checks.ts';
import { labelMap, type FieldLabels } from './labels.ts';
import { scanFields } from './lines.ts';
import { PARTNER_FORM_FIELDS } from './partner.ts';
import { formatRef, refPatternRegExp, type RefPattern } from './ref-pattern.ts';
import { fold, readDate, resolveChoice, type Choice } from './values.ts';

export const HANDOVER_STATUSES = ['accepted', 'declined', 'vendor-contacted', 'in-progress', 'closed'] as const;
export type HandoverStatus = (typeof HANDOVER_STATUSES)[number];

export type HandoverAnswerKey = 'status' | 'partnerCaseId' | 'requestedDate';

const PARTNER_CASE_ID = PARTNER_FORM_FIELDS.find((f) => f.key === 'partnerCaseId');
if (!PARTNER_CASE_ID) throw new Error('partner form: no partnerCaseId labels');

/** The labels (the first one is the one the handover notice writes). */
export const HANDOVER_ANSWER_FIELDS: readonly FieldLabels<HandoverAnswerKey>[] = [
  { key: 'status', ja: ['状況', '状態', 'ステータス'], en: ['Status', 'Handover status'] },
  { key: 'partnerCaseId', ja: PARTNER_CASE_ID.ja, en: PARTNER_CASE_ID.en },
  { key: 'requestedDate', ja: ['希望公表日', '公表希望日'], en: ['Requested date', 'Requested publication date'] },
];

const LABELS = labelMap(HANDOVER_ANSWER_FIELDS);

/** The limits (field-checks.ts shapes), also the `too-long` answer's maximum. */
export const HANDOVER_ANSWER_LIMITS: Record<HandoverAnswerKey, FieldLimit> = {
  status: { shape: 'line', max: 200 },
  partnerCaseId: { shape: 'line', max: 80 },
  requestedDate: { shape: 'line', max: 200 },
};

const STATUS_CHOICES: readonly Choice<HandoverStatus>[] = [
  { result: 'accepted', words: ['accepted', 'accept', '受諾', '引受', '引き受け'] },
  { result: 'declined', words: ['declined', 'decline', 'rejected', '辞退', 'お断り'] },
  { result: 'vendor-contacted', words: ['vendor-contacted', 'vendor contacted', 'vendor notified', '製品開発者に連絡済み', '製品開発者に連絡済', 'ベンダに連絡済み'] },
  { result: 'in-progress', words: ['in-progress', 'in progress', 'coordinating', '対応中', '調整中'] },
  { result: 'closed', words: ['closed', 'done', '終了', '完了'] },
];

/** Stable verdict codes of a value that could not be read (never echoed back; the catalogue's `partner-field` family). */
export type HandoverAnswerProblem = { field: HandoverAnswerKey; code: Extract<PartnerFieldCode, 'bad-status' | 'bad-date' | 'case-id-mismatch' | 'control-character' | 'too-long'> };

export interface HandoverAnswer {
  status?: HandoverStatus;
  partnerCaseId?: string;
  /** `YYYY-MM-DD` (a JST day). */
  requestedDate?: string;
  problems: HandoverAnswerProblem[];
}

/** Whether the text carried any answer line at all (else it is plain correspondence). */
export const isAnswer = (a: HandoverAnswer): boolean => a.status !== undefined || a.partnerCaseId !== undefined || a.requestedDate !== undefined || a.problems.length > 0;

/** Reads the answer lines of a partner's signed text. Never throws; the first value of a label counts. */
export function parseHandoverAnswer(text: string, casePattern: RefPattern): HandoverAnswer {
  const out: HandoverAnswer = { problems: [] };
  const seen = new Set<HandoverAnswerKey>();
  let fields;
  try {
    fields = scanFields(typeof text === 'string' ? text : '', LABELS);
  } catch {
    return out; // resource exhaustion only: no answer read, the text is still forwarded
  }
  for (const f of fields) {
    if (f.key === null || f.value === '' || seen.has(f.key)) continue;
    seen.add(f.key);
    const value = foldValue(f.value, HANDOVER_ANSWER_LIMITS[f.key]);
    const bad = checkValue(value, HANDOVER_ANSWER_LIMITS[f.key]);
    if (bad !== null) {
      out.problems.push({ field: f.key, code: bad === 'too-long' ? 'too-long' : 'control-character' });
      continue;
    }
    if (f.key === 'status') {
      const s = resolveChoice(fold(value), STATUS_CHOICES);
      if (s === undefined) out.problems.push({ field: 'status', code: 'bad-status' });
      else out.status = s;
    } else if (f.key === 'requestedDate') {
      const d = readDate(value);
      if (d === undefined) out.problems.push({ field: 'requestedDate', code: 'bad-date' });
      else out.requestedDate = d;
    } else {
      const m = refPatternRegExp(casePattern).exec(value.normalize('NFKC'));
      if (!m) out.problems.push({ field: 'partnerCaseId', code: 'case-id-mismatch' });
      else out.partnerCaseId = formatRef(casePattern, m.slice(1));
    }
  }
  return out;
}
