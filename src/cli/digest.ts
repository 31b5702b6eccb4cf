// `madoguchi digest --print [--coordinator EMAIL] [--lang ja|en]`: what the next digest would
// say (issue 11), on the terminal, without claiming anything: the window runs from the
// coordinator's last digest to now (src/store/digest.ts previewWindow), so printing it never
// takes a day's digest away from the coordinator. Read-only: nothing is stored or sent.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isJapaneseHoliday } from '../adapters/holiday-jp.ts';
import { loadConfig } from '../config.ts';
import { loadKeyDir } from '../crypto/keydir.ts';
import { exportPublicKeys, readSigningKey } from '../crypto/openpgp.ts';
import { gatherDigest } from '../desk/digest.ts';
import { deskClock } from '../desk/run.ts';
import { renderNotice } from '../outbound/templates.ts';
import { businessCalendar } from '../rules/business-days.ts';
import { DEFAULT_SETTINGS } from '../rules/product.ts';
import { openDb } from '../store/db.ts';
import { lastDigest, previewWindow } from '../store/digest.ts';
import { UsageError } from './usage.ts';

export interface DigestCliOptions {
  print?: boolean;
  coordinator?: string;
  lang?: string;
}

export async function runDigest(o: DigestCliOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (!o.print) throw new UsageError('digest: say --print (the desk sends the digest itself, from its tick)');
  if (o.lang !== undefined && o.lang !== 'ja' && o.lang !== 'en') throw new UsageError('digest: --lang is ja or en');
  const cfg = loadConfig();
  const who = cfg.coordinators.filter((c) => o.coordinator === undefined || c.email.toLowerCase() === o.coordinator.toLowerCase());
  if (who.length === 0) {
    err(o.coordinator === undefined ? 'madoguchi digest: no coordinators configured' : `madoguchi digest: no coordinator ${o.coordinator} in the configuration`);
    return 2;
  }
  const keysDir = resolve(cfg.desk.keysDir);
  const secPath = join(keysDir, 'desk.sec.asc');
  if (!existsSync(secPath)) {
    err(`madoguchi digest: no desk key in ${keysDir}: start the desk once first`);
    return 1;
  }
  const signer = await readSigningKey(readFileSync(secPath, 'utf8'), process.env.MADOGUCHI_KEY_PASSPHRASE);
  const pub = exportPublicKeys(await loadKeyDir(keysDir, process.env.MADOGUCHI_KEY_PASSPHRASE, () => undefined));
  const coordinators = cfg.coordinators.map((c) => ({
    name: c.name,
    armoredKeys: pub.filter((k) => c.fingerprints.some((f) => f.replace(/\s+/g, '').toUpperCase() === k.fingerprint)).map((k) => k.armored),
  }));
  // The desk's clock (MADOGUCHI_CLOCK_FILE), so the preview and the running desk agree on "now".
  const now = deskClock(process.env.MADOGUCHI_CLOCK_FILE)();
  const cal = businessCalendar(isJapaneseHoliday);
  const db = await openDb(cfg.store.databaseUrl ? { databaseUrl: cfg.store.databaseUrl } : { dataDir: resolve(cfg.store.dataDir) });
  try {
    for (const c of who) {
      // The day it is for: the due day if its digest is not sent yet, else the next business day's.
      const due = cal.dueDigestDay(now, cfg.digest.time);
      const last = await lastDigest(db, c.email);
      const day = last !== null && last.day >= due ? cal.after(due) : due;
      const digest = await gatherDigest(db, {
        day,
        now,
        window: await previewWindow(db, c.email),
        settings: { ...DEFAULT_SETTINGS, ...cfg.coordination },
        silentDays: cfg.digest.silentDays,
        deskKey: signer.armoredPublic,
        coordinators,
      });
      // --lang, else the coordinator's configured language (coordinators[].lang), else Japanese: what the desk would send.
      const lang = o.lang === 'en' || o.lang === 'ja' ? o.lang : (c.lang ?? 'ja');
      const r = renderNotice('digest', lang, digest);
      if (who.length > 1) out(`# ${c.email}`);
      out(`Subject: ${r.subject}`);
      out('');
      out(r.text.trimEnd());
      if (!cfg.digest.enabled) out(lang === 'ja' ? '（設定 digest.enabled が false のため、ダイジェストは送信されません）' : '(digest.enabled is false: no digest is sent)');
    }
  } finally {
    await db.close();
  }
  return 0;
}
