// The answer to a form that opens a case (issue 12): `partner-answer` (a partner's case form,
// guideline §5) and `self-report-answer` (a vendor's self-report, guideline §6). Either the
// form opened a case, or it was not taken: the refusal's catalogue code (its family in
// src/domain/refusals.ts) and the form's fields by key and verdict code, never the values.
// The schema fragments are spread into each notice's strict schema at the place of their
// keys (`outcome` first, the refusal's keys last); the view gives the keys they share.
import type { z } from 'zod';
import type { Refusal } from '../domain/refusals.ts';
import type { Lang } from './notice.ts';
import { line, lineList, list, oneOf, presentIff, strict, type Refuse } from './schema.ts';

/** What every answer carries besides its own `opened` keys. */
export interface FormAnswer<R extends string, P extends string = string> {
  outcome: 'opened' | 'refused';
  /** `refused` only. */
  reason?: R;
  /** Form keys missing (`refused`). */
  missing?: string[];
  /** Form keys with their verdict codes (`refused`). */
  problems?: { field: string; code: P }[];
}

const KEY = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/u;
const CODE = /^[a-z]+(-[a-z]+)*$/u;

export const outcomeSchema = { outcome: oneOf(['opened', 'refused']) };

/** A verdict code: lower-case words joined by `-` (the form's own codes, not a catalogue family). */
export const PROBLEM_CODE = line(64, CODE);

/** The refusal's keys: a code of `codes`, the missing keys and the bad values' keys with their codes (`problemCode`). */
export function refusalSchema<R extends string, P extends string>(codes: readonly R[], problemCode: z.ZodType<P>) {
  return {
    reason: oneOf(codes).optional(),
    missing: lineList(64, 20, { minItems: 0, pattern: KEY }).optional(),
    problems: list(strict({ field: line(64, KEY), code: problemCode }), 50, 0).optional(),
  };
}

/** The schema's cross-key rule: `openedKeys` exactly when opened, the reason exactly when refused. */
export function refuseOutcomeMismatch<C extends FormAnswer<string, string>>(c: C, openedKeys: readonly (keyof C & string)[], refuse: Refuse): void {
  const opened = c.outcome === 'opened';
  for (const k of openedKeys) presentIff(c, k, opened, 'outcome is opened', refuse);
  presentIff(c, 'reason', !opened, 'outcome is refused', refuse);
  if (opened) for (const k of ['missing', 'problems'] as const) if (c[k] !== undefined) refuse(k, 'must be absent when outcome is opened');
}

/**
 * The outcome's flags, the refusal's text in `lang` from its family `refusals`, the keys, and
 * each bad value as `problemView` shows it (default: its key and code).
 */
export function formAnswerView<R extends string, P extends string>(
  lang: Lang,
  c: FormAnswer<R, P>,
  refusals: Record<R, Refusal>,
  problemView: (p: { field: string; code: P }) => object = (p) => p,
): Record<string, unknown> {
  return {
    opened: c.outcome === 'opened',
    refused: c.outcome === 'refused',
    reason: c.reason ? refusals[c.reason].text[lang]({}) : '',
    hasMissing: (c.missing ?? []).length > 0,
    missing: c.missing ?? [],
    hasProblems: (c.problems ?? []).length > 0,
    problems: (c.problems ?? []).map(problemView),
  };
}
