// Coordinator commands by mail: src/commands/parse.ts parseCommandMail (the keyword
// block language of docs/commands.md), and formatCommand on what it read.
import { COMMAND_KINDS, formatCommand, looksLikeCommandMail, parseCommandMail } from '../src/commands/parse.ts';
import type { FuzzTarget } from './engine/target.ts';
import { text, utf8 } from './seeds.ts';

const SEEDS = [
  'X-CASE: VR-2026-0042\nX-ACCEPT\nX-ADD-VENDOR: acme, globex\nX-SET-DATE: 2026-12-20\nX-NOTE: vendor confirmed by phone;\n  fix expected in 3.2.2\nX-DIRECT-CONTACT: acme\n\nAnything from here on is free text and is not read.\n',
  'X-CASE: VR-2026-0042\nX-STOP: duplicate VR-2026-0007 seen before\n',
  'X-CASE: VR-2026-0042\nX-RELAY: acme\n  The reporter asks whether 3.2.1 is affected as well.\n  Could you tell us?\n',
  'X-CASE: VR-2026-0042\nX-RELAY: reporter thanks\nX-COMMITTEE-DECISION: withhold reason\nX-PUBLISH\n',
  'Ｘ－ＳＥＴ－ＤＡＴＥ：２０２６／１２／２０\nX-CASE VR-2026-0042\nX-MARK-UNREACHABLE: acme globex\nX-MARK-REACHABLE: acme\nX-REMOVE-VENDOR: acme\nX-NOTIFY-VENDORS\nX-OPEN-IMPOSSIBLE: no answer\nX-REJECT: not in scope\n',
  'X-CASE: VR-2026-0042\r\nX-STOP: 脆弱性ではない\r\nX-SET-DATE: 2026年12月20日\r\n',
];

export const target: FuzzTarget = {
  promise: 'parseCommandMail returns commands and errors for any text, never throws',
  seeds: () => SEEDS.map(text),
  dictionary: [
    ...COMMAND_KINDS.map((k) => `X-${k.toUpperCase()}`),
    'X-CASE: ',
    'X-CASE',
    'VR-2026-0042',
    '[VR-2026-0042]',
    'acme',
    'reporter',
    '発見者',
    'publish',
    'withhold',
    '公表',
    'not-vulnerability',
    'duplicate',
    'known',
    '2026-12-20',
    '2026/12/20',
    '2026.12.20',
    '2026年12月20日',
    '：',
    'Ｘ－',
    '\u202e',
    '\u0000',
    '\n  ',
    '\n\t',
    '\u3000',
    ', ',
  ],
  maxLen: 64 * 1024,
  timeoutMs: 5000,
  run(data) {
    const s = utf8(data);
    looksLikeCommandMail(s);
    const parsed = parseCommandMail(s, { casePrefix: 'VR', subject: '[VR-2026-0042] commands' });
    for (const c of parsed.commands) formatCommand(c);
  },
};
