// Applies a validated registry file to the store: all vendors in one transaction (a key
// clash with a vendor already stored rolls the whole file back), one timeline entry per
// vendor that changed (upsertVendor).
import type { Db } from '../store/db.ts';
import { upsertVendor, type VendorChange } from '../store/vendors.ts';
import type { VendorImport } from './yaml.ts';
import { upsertPartner, type PartnerChange } from '../store/partners.ts';
import type { PartnerImport } from './partners-yaml.ts';
import { upsertOperator, type OperatorChange } from '../store/operators.ts';
import type { OperatorImport } from './operators-yaml.ts';

export interface OperatorImportOutcome {
  id: string;
  change: OperatorChange;
}

export interface ImportOutcome {
  id: string;
  change: VendorChange;
}

/** Throws when `imp` has errors (nothing is written) or the store refuses an entry. */
export async function applyVendorImport(db: Db, imp: VendorImport, actor: string): Promise<ImportOutcome[]> {
  if (imp.errors.length > 0) throw new Error(`the registry file has ${imp.errors.length} error(s); nothing imported`);
  return db.tx(async (t) => {
    const out: ImportOutcome[] = [];
    for (const v of imp.vendors) {
      const { change } = await upsertVendor(t, v, actor);
      out.push({ id: v.id, change });
    }
    return out;
  });
}

/** The partner registry file, as applyVendorImport: all partners in one transaction. */
export async function applyPartnerImport(db: Db, imp: PartnerImport, actor: string): Promise<{ id: string; change: PartnerChange }[]> {
  if (imp.errors.length > 0) throw new Error(`the partner file has ${imp.errors.length} error(s); nothing imported`);
  return db.tx(async (t) => {
    const out: { id: string; change: PartnerChange }[] = [];
    for (const p of imp.partners) {
      const { change } = await upsertPartner(t, p, actor);
      out.push({ id: p.id, change });
    }
    return out;
  });
}

/** Applies a validated operators file: all operators in one transaction, as applyVendorImport. */
export async function applyOperatorImport(db: Db, imp: OperatorImport, actor: string): Promise<OperatorImportOutcome[]> {
  if (imp.errors.length > 0) throw new Error(`the operators file has ${imp.errors.length} error(s); nothing imported`);
  return db.tx(async (t) => {
    const out: OperatorImportOutcome[] = [];
    for (const o of imp.operators) {
      const { change } = await upsertOperator(t, o, actor);
      out.push({ id: o.id, change });
    }
    return out;
  });
}
