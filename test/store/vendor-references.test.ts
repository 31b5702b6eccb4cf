// issue 12 (migration 023; mail-protocol §7): a vendor's own tracking ids for a case, on real
// PostgreSQL: one id names one case of that vendor (case-insensitively), another vendor may
// use the same text for its own case, at most MAX_REFS_PER_VENDOR per vendor and case, and
// the subjects' references are the partner's ids then the vendor's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.ts';
import { createCase } from '../../src/store/repo.ts';
import { addVendorReference, caseByVendorReference, MAX_REFS_PER_VENDOR, vendorReferencesOfCase, vendorSubjectRefs } from '../../src/store/vendor-references.ts';
import { upsertVendor } from '../../src/store/vendors.ts';
import { freshDatabase } from '../support/desk.ts';

let pgdb: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;

beforeAll(async () => {
  pgdb = await freshDatabase();
  db = await openDb({ databaseUrl: pgdb.url });
  for (const id of ['VR-2027-0001', 'VR-2027-0002']) {
    await createCase(db, { id, kind: 'product', state: 'accepted', lang: 'ja', report: { kind: 'product' }, reporterEmail: null, reporterFpr: null, openedFrom: null });
  }
  for (const id of ['acme', 'evil']) await upsertVendor(db, { id, name: id, contacts: { to: [`psirt@${id}.test`] }, keys: [], products: [] }, 'test');
}, 60_000);

afterAll(async () => {
  await db?.close();
  await pgdb?.drop();
});

describe('vendor references', () => {
  it('one id names one case of the vendor, case-insensitively; idempotent; on the timeline', async () => {
    expect(await addVendorReference(db, 'VR-2027-0001', 'acme', 'PSIRT-1', 'vendor:acme')).toEqual({ ok: true, change: 'added' });
    expect(await addVendorReference(db, 'VR-2027-0001', 'acme', 'psirt-1', 'vendor:acme')).toEqual({ ok: true, change: 'unchanged' });
    expect(await addVendorReference(db, 'VR-2027-0002', 'acme', 'Psirt-1', 'vendor:acme')).toEqual({ ok: false, reason: 'names-another-case', otherCase: 'VR-2027-0001' });
    expect(await caseByVendorReference(db, 'acme', 'PSIRT-1')).toBe('VR-2027-0001');
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM timeline WHERE event = 'vendor-reference-added'`))[0]!.n).toBe(1);
  });

  it("another vendor's reference names nothing for this vendor; the same text may be its own", async () => {
    expect(await caseByVendorReference(db, 'evil', 'PSIRT-1')).toBeNull();
    expect(await addVendorReference(db, 'VR-2027-0002', 'evil', 'PSIRT-1', 'vendor:evil')).toEqual({ ok: true, change: 'added' });
    expect(await caseByVendorReference(db, 'evil', 'PSIRT-1')).toBe('VR-2027-0002');
    expect(await caseByVendorReference(db, 'acme', 'PSIRT-1')).toBe('VR-2027-0001');
  });

  it(`at most ${String(MAX_REFS_PER_VENDOR)} per vendor and case; subjects: the partner's ids, then the vendor's own`, async () => {
    for (let i = 2; i <= MAX_REFS_PER_VENDOR; i++) expect((await addVendorReference(db, 'VR-2027-0001', 'acme', `PSIRT-${String(i)}`, 'vendor:acme')).ok).toBe(true);
    expect(await addVendorReference(db, 'VR-2027-0001', 'acme', 'PSIRT-99', 'vendor:acme')).toEqual({ ok: false, reason: 'too-many' });
    expect((await vendorReferencesOfCase(db, 'VR-2027-0001')).get('acme')).toHaveLength(MAX_REFS_PER_VENDOR);
    const refs = await vendorSubjectRefs(db, 'VR-2027-0002', ['acme', 'evil'], ['VU#123456']);
    expect(refs).toEqual(new Map([['acme', ['VU#123456']], ['evil', ['VU#123456', 'PSIRT-1']]]));
  });
});
