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

/**
 * Decodes bytes by the declared charset; when the label is missing, unknown, or
 * contradicted by the bytes (an ISO-2022-JP body labelled us-ascii, 8-bit bytes with no
 * label) it falls back to detection. Never throws.
 */
export function decodeText(bytes: Uint8Array, charset: string | null | undefined): string {
  let label = normaliseCharset(charset ?? undefined);
  const detected = detectJapanese(bytes);
  if (!label || label === 'utf-8') {
    if (detected && detected !== 'utf-8') label = detected;
  }
  if (label === 'iso-2022-jp' && bytes.some((b) => b >= 0x80)) {
    // Mislabelled 8-bit Japanese (common with old clients): trust the bytes.
    label = detected ?? 'shift_jis';
  }
  try {
    return new TextDecoder(label ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder(detected ?? 'utf-8').decode(bytes);
  }
}
