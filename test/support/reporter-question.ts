// A reporter who asks the desk about its case (issue 11), on top of the signed-mail world of
// test/support/authority-desk.ts (real PostgreSQL, real OpenPGP): Taro, the reporter of
// CASE_A and CASE_B, has a key on file (learned before), and the tests read the desk's
// encrypted answers with Taro's secret key.
import * as openpgp from 'openpgp';
import { generateDeskKey, loadKeyring } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { upsertKey } from '../../src/store/repo.ts';
import { authorityWorld, encryptEntity, pgpMimeMail, textPart, type AuthorityWorld } from './authority-desk.ts';

export const TARO = 'taro@reporter.test';
const DAY = 86_400_000;

export interface ReporterWorld extends AuthorityWorld {
  taro: openpgp.PrivateKey;
  taroFpr: string;
  /** Reads a notice the desk stored, with Taro's secret key: decrypted or not, and its text. */
  readAsTaro(raw: Buffer): Promise<{ encrypted: boolean; text: string }>;
  /** An encrypted mail from Taro's address signed by `key` (Taro's by default). */
  ask(body: string, opts?: AskOptions): Promise<Buffer>;
}

export interface AskOptions {
  key?: openpgp.PrivateKey;
  from?: string;
  messageId?: string;
  subject?: string;
  /** When it is signed (the desk's clock by default). */
  date?: Date;
}

let n = 0;

export async function reporterWorld(): Promise<ReporterWorld> {
  const w = (await authorityWorld()) as ReporterWorld;
  const taroK = await generateDeskKey('Taro', TARO, new Date(Date.now() - 30 * DAY));
  await upsertKey(w.db, { fingerprint: taroK.fingerprint, emails: [TARO], armored: taroK.armoredPublic, source: 'signature' });
  const taro = await openpgp.readPrivateKey({ armoredKey: taroK.armoredPrivate });
  const ring = await loadKeyring([{ name: 'taro', text: taroK.armoredPrivate }], undefined, () => undefined);
  Object.assign(w, {
    taro,
    taroFpr: taroK.fingerprint,
    async readAsTaro(raw: Buffer) {
      const r = await inspectMessage(raw, { ring, now: new Date(Date.now() + 400 * DAY) });
      return { encrypted: r.verdict.encryption !== 'none', text: r.text };
    },
    async ask(body: string, opts: AskOptions = {}) {
      const cipher = await encryptEntity(w, textPart(body), opts.key ?? taro, opts.date ?? w.now ?? new Date());
      return pgpMimeMail({ from: opts.from ?? TARO, subject: opts.subject ?? 'question', messageId: opts.messageId ?? `<q-${String(++n)}-${String(Date.now())}@reporter.test>` }, cipher);
    },
  });
  return w;
}
