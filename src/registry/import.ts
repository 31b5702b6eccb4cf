// Applies a validated registry file to the store: all entries in one transaction (a key or
// domain clash with an entry already stored rolls the whole file back), one timeline entry
// per entry that changed (the registry's upsert). One function for the three registries
// (vendors, operators, partners).
import type { Db } from '../store/db.ts';
import { upsertOperator, type OperatorChange } from '../store/operators.ts';
import { upsertPartner, type PartnerChange } from '../store/partners.ts';
import { upsertVendor, type VendorChange } from '../store/vendors.ts';
import type { OperatorImport } from './operators-yaml.ts';
import type { PartnerImport } from './partners-yaml.ts';
import type { VendorImport } from './yaml.ts';

/** Throws when the file had errors (nothing is written) or the store refuses an entry. */
export async function applyImport<V extends { id: string }, C extends string>(
  db: Db,
  imp: { entries: V[]; errors: string[] },
  upsert: (db: Db, v: V, actor: string) => Promise<{ change: C }>,
  actor: string,
): Promise<{ id: string; change: C }[]> {
  if (imp.errors.length > 0) throw new Error(`the registry file has ${imp.errors.length} error(s); nothing imported`);
  return db.tx(async (t) => {
    const out: { id: string; change: C }[] = [];
    for (const v of imp.entries) {
      const { change } = await upsert(t, v, actor);
      out.push({ id: v.id, change });
    }
    return out;
  });
}

export const applyVendorImport = (db: Db, imp: VendorImport, actor: string): Promise<{ id: string; change: VendorChange }[]> =>
  applyImport(db, { entries: imp.vendors, errors: imp.errors }, upsertVendor, actor);
export const applyPartnerImport = (db: Db, imp: PartnerImport, actor: string): Promise<{ id: string; change: PartnerChange }[]> =>
  applyImport(db, { entries: imp.partners, errors: imp.errors }, upsertPartner, actor);
export const applyOperatorImport = (db: Db, imp: OperatorImport, actor: string): Promise<{ id: string; change: OperatorChange }[]> =>
  applyImport(db, { entries: imp.operators, errors: imp.errors }, upsertOperator, actor);
