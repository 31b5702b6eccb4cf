// The coordinators' digest, gathered (issue 11): the facts of a window (src/store/digest.ts),
// the keys the desk relies on (digest-keys.ts) and every case's view (src/store/case-view.ts),
// made into one Digest by the pure rules (src/rules/digest.ts). Shared by the use case that
// sends the digest (src/usecases/digest.ts, inside the claim's transaction) and by
// `madoguchi digest --print` (a preview: nothing claimed).
import type { IsoDate } from '../domain/clock.ts';
import { loadVulnerabilityViews } from '../export/load.ts';
import { buildDigest, type Digest, type DigestVulnerability } from '../rules/digest.ts';
import type { Settings } from '../rules/product.ts';
import { loadCaseViews } from '../store/case-view.ts';
import type { Db } from '../store/db.ts';
import { digestFactsIn, vendorPinnedKeys, type DigestWindow } from '../store/digest.ts';
import { casesWithStoredVulnerabilities } from '../store/vulnerabilities.ts';
import { keyFacts, type WatchedKey } from './digest-keys.ts';

export interface DigestSettings {
  enabled: boolean;
  /** HH:MM JST (config digest.time). */
  time: string;
  /** config digest.silentDays. */
  silentDays: number;
}

export interface GatherInput {
  day: IsoDate;
  now: Date;
  window: DigestWindow;
  settings: Settings;
  silentDays: number;
  /** The desk's own public key (armored). */
  deskKey: string;
  coordinators: readonly { name: string; armoredKeys: string[] }[];
}

/** Everything one digest says, read in `db` (the claim's transaction, or a plain handle for a preview). */
export async function gatherDigest(db: Db, i: GatherInput): Promise<Digest> {
  const facts = await digestFactsIn(db, i.window);
  const watched: WatchedKey[] = [
    { owner: { kind: 'desk' }, armored: i.deskKey },
    ...i.coordinators.flatMap((c) => c.armoredKeys.map((armored): WatchedKey => ({ owner: { kind: 'coordinator', name: c.name }, armored }))),
    ...(await vendorPinnedKeys(db)).map((k): WatchedKey => ({ owner: { kind: 'vendor', id: k.vendorId }, armored: k.armored, fingerprint: k.fingerprint })),
  ];
  const keys = await keyFacts(watched, i.now);
  const views = await loadCaseViews(db, { now: i.now, settings: i.settings });
  // issue 12: each case line shows the case's vulnerabilities once a coordinator stored
  // them (a case read from its report alone has its one vulnerability, as before); codes
  // and numbers only, from the export model (src/export/model.ts).
  const vulnerabilities = new Map<string, DigestVulnerability[]>();
  for (const id of await casesWithStoredVulnerabilities(db)) {
    const vs = await loadVulnerabilityViews(db, id);
    vulnerabilities.set(
      id,
      vs.map((v) => ({ number: v.number, cwe: v.cwe, cve: v.cve, score: v.cvss?.baseScore ?? null, severity: v.cvss?.severity ?? null, vendors: v.vendors.map((x) => ({ id: x.id, status: x.status })) })),
    );
  }
  return buildDigest({ day: i.day, now: i.now, since: i.window.from?.at ?? null, views, facts: { ...facts, keys }, options: { silentDays: i.silentDays }, vulnerabilities });
}
