// Charset decoding for bodies and raw 8-bit headers. Node's ICU TextDecoder implements
// the WHATWG Japanese decoders, whose index includes the NEC row 13 and IBM extension
// characters (①, ㈱, 髙...) for ISO-2022-JP, Shift_JIS and EUC-JP alike.
import Encoding from 'encoding-japanese';

/** Mail labels that TextDecoder does not know under that name. */
const ALIASES: Record<string, string> = {
  cp932: 'shift_jis',
  'ms932': 'shift_jis',
  'x-sjis': 'shift_jis',
  sjis: 'shift_jis',
  'shift-jis': 'shift_jis',
  'windows-932': 'shift_jis',
  'x-euc-jp': 'euc-jp',
  eucjp: 'euc-jp',
  'iso-2022-jp-1': 'iso-2022-jp',
  'iso-2022-jp-2': 'iso-2022-jp',
  'iso-2022-jp-3': 'iso-2022-jp',
  'cp50220': 'iso-2022-jp',
  'cp50221': 'iso-2022-jp',
  'cp50222': 'iso-2022-jp',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'utf8': 'utf-8',
};

export function normaliseCharset(label: string | undefined): string | null {
  if (!label) return null;
  const l = label.trim().toLowerCase().replace(/^"|"$/g, '');
  return ALIASES[l] ?? l;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * For unlabelled or 8-bit text: ISO-2022-JP if it carries a JIS escape (ESC $ B / ESC $ @),
 * UTF-8 if valid, else Shift_JIS or EUC-JP by detection. Null when plain ASCII.
 */
export function detectJapanese(bytes: Uint8Array): string | null {
  const hasHigh = bytes.some((b) => b >= 0x80);
  if (!hasHigh) {
    for (let i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] === 0x1b && bytes[i + 1] === 0x24 && (bytes[i + 2] === 0x42 || bytes[i + 2] === 0x40)) {
        return 'iso-2022-jp';
      }
    }
    return null;
  }
  if (isValidUtf8(bytes)) return 'utf-8';
  const detected = Encoding.detect(bytes);
  if (detected === 'EUCJP') return 'euc-jp';
  if (detected === 'SJIS') return 'shift_jis';
  return 'shift_jis';
}

/** How many bytes of `bytes` are not part of a well-formed UTF-8 sequence (0 when valid). */
function invalidUtf8Count(bytes: Uint8Array): number {
  if (isValidUtf8(bytes)) return 0;
  // Each maximal ill-formed subsequence becomes one U+FFFD (WHATWG "replacement"); the
  // count of U+FFFD not present as EF BF BD in the input is close enough for a ratio.
  const decoded = new TextDecoder('utf-8').decode(bytes);
  let fffd = 0;
  for (const ch of decoded) if (ch === '\uFFFD') fffd++;
  let literal = 0;
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) literal++;
  return Math.max(1, fffd - literal);
}

export interface DecodedText {
  text: string;
  /** Some bytes were not valid in the charset used: they became U+FFFD. */
  invalidBytes: boolean;
}

/**
 * Decodes bytes by the declared charset; when the label is missing, unknown, or
 * contradicted by the bytes (an ISO-2022-JP body labelled us-ascii, 8-bit bytes with no
 * label) it falls back to detection. Never throws.
 *
 * A body explicitly labelled UTF-8 whose bytes are mostly valid UTF-8 stays UTF-8: a stray
 * invalid byte (a truncated copy-paste, a broken relay) becomes U+FFFD and is reported in
 * `invalidBytes`; re-reading the whole body as Shift_JIS because of one byte turns a
 * Japanese report into mojibake (issue 9 §6). Only a body that is largely not UTF-8 (more
 * than one byte in 64 of its 8-bit bytes ill-formed: a Shift_JIS or EUC-JP body under a
 * wrong label) is given to detection.
 */
export function decodeTextChecked(bytes: Uint8Array, charset: string | null | undefined): DecodedText {
  const declared = charset ? charset.trim().toLowerCase().replace(/^"|"$/g, '') : '';
  let label = normaliseCharset(charset ?? undefined);
  if ((declared === 'utf-8' || declared === 'utf8') && bytes.some((b) => b >= 0x80)) {
    const bad = invalidUtf8Count(bytes);
    let high = 0;
    for (const b of bytes) if (b >= 0x80) high++;
    if (bad === 0) return { text: new TextDecoder('utf-8').decode(bytes), invalidBytes: false };
    if (bad * 64 <= high) return { text: new TextDecoder('utf-8').decode(bytes), invalidBytes: true };
  }
  const detected = detectJapanese(bytes);
  if (!label || label === 'utf-8') {
    if (detected && detected !== 'utf-8') label = detected;
  }
  if (label === 'iso-2022-jp' && bytes.some((b) => b >= 0x80)) {
    // Mislabelled 8-bit Japanese (common with old clients): trust the bytes.
    label = detected ?? 'shift_jis';
  }
  const run = (l: string): DecodedText => {
    const text = new TextDecoder(l).decode(bytes);
    let invalidBytes = false;
    try {
      new TextDecoder(l, { fatal: true }).decode(bytes);
    } catch {
      invalidBytes = true;
    }
    return { text, invalidBytes };
  };
  try {
    return run(label ?? 'utf-8');
  } catch {
    return run(detected ?? 'utf-8');
  }
}

/** decodeTextChecked's text alone. */
export function decodeText(bytes: Uint8Array, charset: string | null | undefined): string {
  return decodeTextChecked(bytes, charset).text;
}
