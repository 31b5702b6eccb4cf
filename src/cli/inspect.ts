// `madoguchi inspect FILE.eml --keys DIR [--json]` (mail-protocol.md §5): an offline
// diagnosis of one message. It changes nothing anywhere.
import { readFile, stat } from 'node:fs/promises';
import { loadKeyDir } from '../crypto/keydir.ts';
import type { InspectResult } from '../domain/inspect.ts';
import { REJECTIONS } from '../domain/refusals.ts';
import { DEFAULT_LIMITS, inspectMessage, MiB, type InboundLimits } from '../inbound/pipeline.ts';

export interface InspectCliOptions {
  keys?: string;
  json?: boolean;
  maxDecompressedMb?: string;
  maxMessageMb?: string;
}

import { UsageError } from './usage.ts';

export { UsageError };

function limitsFrom(opts: InspectCliOptions): InboundLimits {
  const mb = (v: string | undefined, name: string, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number of megabytes`);
    return Math.floor(n * MiB);
  };
  return {
    ...DEFAULT_LIMITS,
    maxMessageBytes: mb(opts.maxMessageMb, '--max-message-mb', DEFAULT_LIMITS.maxMessageBytes),
    crypto: { maxDecompressedBytes: mb(opts.maxDecompressedMb, '--max-decompressed-mb', DEFAULT_LIMITS.crypto.maxDecompressedBytes) },
  };
}

export async function runInspect(file: string, opts: InspectCliOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const limits = limitsFrom(opts);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new UsageError(`no such file: ${file}`);
  }
  if (opts.keys !== undefined) {
    try {
      await stat(opts.keys);
    } catch {
      throw new UsageError(`no such key directory: ${opts.keys}`);
    }
  }
  const ring = opts.keys
    ? await loadKeyDir(opts.keys, process.env.MADOGUCHI_KEY_PASSPHRASE, (m) => err(`warning: ${m}`))
    : await (await import('../crypto/openpgp.ts')).loadKeyring([], undefined, () => undefined);
  // Oversized input is judged on its size without reading it all into memory.
  const raw = size > limits.maxMessageBytes ? await readHead(file, 64 * 1024) : await readFile(file);
  const { verdict } = await inspectMessage(raw, { ring, limits, rawSize: size });
  out(opts.json ? JSON.stringify(toJson(verdict), null, 2) : human(verdict));
  return 0;
}

async function readHead(file: string, n: number): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The §5 JSON: absent fields omitted. */
export function toJson(v: InspectResult): Record<string, unknown> {
  const o: Record<string, unknown> = {
    messageId: v.messageId,
    from: v.from,
    subject: v.subject,
    encryption: v.encryption,
    signature: v.signature,
    kind: v.kind,
  };
  if (v.report) o.report = v.report;
  if (v.vendorReply) o.vendorReply = v.vendorReply;
  o.attachments = v.attachments;
  o.rejected = v.rejected;
  if (v.notes.length > 0) o.notes = v.notes;
  return o;
}

function human(v: InspectResult): string {
  const lines: string[] = [];
  const sig = v.signature;
  lines.push(`Message-ID  ${v.messageId ?? '(none)'}`);
  lines.push(`From        ${v.from ?? '(none)'}`);
  lines.push(`Subject     ${v.subject ?? '(none)'}`);
  lines.push(`Encryption  ${v.encryption}`);
  lines.push(`Signature   ${sig.status}${sig.fingerprint ? ` by ${sig.fingerprint}` : ''}${sig.status !== 'none' ? (sig.matchesFrom ? ' (matches From)' : ' (does NOT match From)') : ''}`);
  lines.push(`Kind        ${v.kind}`);
  if (v.rejected) lines.push(`REJECTED    ${v.rejected.reason}: ${v.rejected.detail}`, `            reply: ${REJECTIONS[v.rejected.reason].replyTemplate ?? 'none'}`);
  if (v.report) {
    lines.push('Report form:');
    const flat = flatten(v.report as unknown as Record<string, unknown>);
    for (const [k, val] of flat) if (k !== 'missing') lines.push(`  ${k}: ${val.replace(/\n/g, '\n    ')}`);
    lines.push(`  missing: ${v.report.missing.length ? v.report.missing.join(', ') : '(nothing)'}`);
  }
  if (v.vendorReply) {
    lines.push('Vendor reply:');
    for (const [k, val] of flatten(v.vendorReply as unknown as Record<string, unknown>)) lines.push(`  ${k}: ${val}`);
  }
  if (v.attachments.length) {
    lines.push('Attachments:');
    for (const a of v.attachments) lines.push(`  ${a.name ?? '(unnamed)'}  ${a.contentType}  ${a.size} bytes  sha256:${a.sha256}`);
  }
  for (const n of v.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function flatten(o: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, key));
    else out.push([key, Array.isArray(v) ? v.join(', ') : String(v)]);
  }
  return out;
}
