// `reporter-status`: to the case's reporter, encrypted to the key on file, in answer to its
// signed X-STATUS and/or X-WITHDRAW-NDA (issue 11): what the reporter may know of its case
// (src/rules/reporter-status.ts: state, whether the vendor(s)/operator were contacted and
// answered, 起算日, the agreed publication date, whom the desk waits for, in general terms;
// guideline §2) and the outcome of a withdrawal of the non-disclosure request (§3 item 9).
// The schema admits no name, no free text: nothing a vendor said can travel in it.
import type { IsoDate } from '../domain/clock.ts';
import { REPORTER_STATES, REPORTER_WAITING, type ReporterStatus } from '../rules/reporter-status.ts';
import { defineNotice } from './notice.ts';
import { bool, caseId, day, list, oneOf, presentIff, refuser, someOf, strict } from './schema.ts';
import { dayLong, dayShort, flags } from './view.ts';

export const WITHDRAWAL_RESULTS = ['recorded', 'already', 'early', 'not-applicable'] as const;
export type WithdrawalResult = (typeof WITHDRAWAL_RESULTS)[number];
export const ASKED = ['status', 'withdrawal'] as const;

/**
 * Flat, so that every key is checked and named on its own: `asked` says which parts the
 * answer has; the status keys (src/rules/reporter-status.ts ReporterStatus) are there
 * exactly when it has `status`, `withdrawal` (the result) exactly when it has `withdrawal`.
 */
export type ReporterStatusContext = {
  caseId: string;
  asked: (typeof ASKED)[number][];
  withdrawal?: WithdrawalResult;
  /** `recorded`: the 起算日. */
  withdrawalStart?: IsoDate;
  /** `already`: the JST date the withdrawal was recorded. */
  recordedOn?: IsoDate;
  /** `early`: from when (absent while the clock has not started). */
  possibleFrom?: IsoDate;
} & Partial<ReporterStatus>;

export const schema = strict({
  caseId,
  asked: someOf(ASKED),
  state: oneOf(REPORTER_STATES).optional(),
  party: oneOf(['vendor', 'operator'] as const).optional(),
  contacted: bool.optional(),
  answered: bool.optional(),
  startDate: day.optional(),
  publicationDate: day.optional(),
  withdrawableFrom: day.optional(),
  waiting: list(oneOf(REPORTER_WAITING), REPORTER_WAITING.length, 0).optional(),
  withdrawal: oneOf(WITHDRAWAL_RESULTS).optional(),
  withdrawalStart: day.optional(),
  recordedOn: day.optional(),
  possibleFrom: day.optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  const status = c.asked.includes('status');
  for (const k of ['state', 'party', 'contacted', 'answered', 'waiting']) presentIff(c, k, status, 'asked has status', refuse);
  if (!status) for (const k of ['startDate', 'publicationDate', 'withdrawableFrom']) presentIff(c, k, false, 'asked has status', refuse);
  presentIff(c, 'withdrawal', c.asked.includes('withdrawal'), 'asked has withdrawal', refuse);
  presentIff(c, 'withdrawalStart', c.withdrawal === 'recorded', 'withdrawal is recorded', refuse);
  presentIff(c, 'recordedOn', c.withdrawal === 'already', 'withdrawal is already', refuse);
  if (c.withdrawal !== 'early' && c.possibleFrom !== undefined) refuse('possibleFrom', 'must be absent unless withdrawal is early');
});

export default defineNotice<ReporterStatusContext>()({
  template: 'reporter-status',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    hasStatus: c.asked.includes('status'),
    state: c.state ? flags(REPORTER_STATES, c.state) : {},
    operator: c.party === 'operator',
    contacted: c.contacted ?? false,
    answered: c.answered ?? false,
    startDate: c.startDate ? dayShort(c.startDate, lang) : '',
    publicationDate: c.publicationDate ? dayLong(c.publicationDate, lang) : '',
    withdrawableFrom: c.withdrawableFrom ? dayShort(c.withdrawableFrom, lang) : '',
    waiting: (c.waiting ?? []).map((x) => flags(REPORTER_WAITING, x)),
    nothingAwaited: c.waiting !== undefined && c.waiting.length === 0,
    hasWithdrawal: c.withdrawal !== undefined,
    withdrawal: c.withdrawal ? flags(WITHDRAWAL_RESULTS, c.withdrawal) : {},
    withdrawalStart: c.withdrawalStart ? dayShort(c.withdrawalStart, lang) : '',
    recordedOn: c.recordedOn ? dayShort(c.recordedOn, lang) : '',
    possibleFrom: c.possibleFrom ? dayShort(c.possibleFrom, lang) : '',
  }),
});
