// The one file that imports ae-cvss-calculator (issue 12: "CVSS v3.1 and v4.0 vectors are
// parsed and scored with a maintained library; an invalid vector gets a clear answer,
// never a guess").
//
// The library is lenient where the desk must not be (checked 1.0.13): it scores a vector
// with a base metric missing as 0, takes the last of two values given for one metric,
// and reads a `CVSS:3.0/` vector as 3.1. So the vector's shape is checked here first
// (prefix, `KEY:VALUE` parts, no repeats, every base metric given, each value one the
// version defines), and the library only scores what passed.
import cvssLib from 'ae-cvss-calculator';

// The package is CommonJS: Node's ESM loader gives its exports on the default export only.
const { Cvss3P1, Cvss4P0 } = cvssLib;

export type CvssVersion = '3.1' | '4.0';
/** Qualitative severity rating (CVSS v3.1 specification §5, v4.0 §6: same bands). */
export type CvssSeverity = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface CvssScore {
  version: CvssVersion;
  /** The vector in the specification's metric order, exactly the metrics given. */
  vector: string;
  /** Base score (v4.0: the CVSS-B/BT/BE/BTE score the vector describes, as FIRST's calculator gives it). */
  baseScore: number;
  baseSeverity: CvssSeverity;
  /**
   * The FIRST JSON schema object for this version (cvss-v3.1.json / cvss-v4.0.json), as
   * CSAF `scores[].cvss_v3` and CVE `metrics[].cvssV3_1` / `cvssV4_0` carry it.
   */
  json: Record<string, unknown>;
}

export type CvssResult = { ok: true; score: CvssScore } | { ok: false; error: string };

const MAX_VECTOR = 400;

/** Parses and scores a CVSS v3.1 or v4.0 vector; an invalid one gets an error naming what is wrong. */
export function scoreCvss(input: string): CvssResult {
  const vector = typeof input === 'string' ? input.trim() : '';
  if (vector === '') return fail('the CVSS vector is empty');
  if (vector.length > MAX_VECTOR) return fail(`the CVSS vector is longer than ${MAX_VECTOR} characters`);
  const m = /^CVSS:(\d+\.\d+)\/(.*)$/.exec(vector);
  if (!m) return fail('a CVSS vector starts with "CVSS:3.1/" or "CVSS:4.0/"');
  const version = m[1];
  if (version !== '3.1' && version !== '4.0') return fail(`CVSS version ${version ?? '?'} is not supported (only 3.1 and 4.0)`);
  const calc = version === '3.1' ? new Cvss3P1() : new Cvss4P0();
  const registered = [...calc.getRegisteredComponents().entries()];
  const known = new Map<string, { values: string[]; base: boolean }>();
  for (const [category, comps] of registered) {
    for (const c of comps) known.set(c.shortName, { values: c.values.map((v) => v.shortName), base: category.name === 'base' });
  }
  const given = new Map<string, string>();
  for (const part of (m[2] ?? '').split('/')) {
    const kv = /^([A-Za-z]+):([A-Za-z]+)$/.exec(part);
    if (!kv) return fail(`"${clip(part)}" is not a metric of the form KEY:VALUE`);
    const key = kv[1] ?? '';
    const value = kv[2] ?? '';
    const def = known.get(key);
    if (!def) return fail(`${key} is not a CVSS ${version} metric`);
    if (given.has(key)) return fail(`metric ${key} is given twice`);
    if (!def.values.includes(value)) return fail(`${value} is not a value of ${key} in CVSS ${version} (one of ${def.values.join(', ')})`);
    // A base metric "Not Defined" is no score at all: v3.1 §6 and v4.0 §7 make every base metric mandatory.
    if (def.base && value === 'X') return fail(`base metric ${key} must have a value, not X`);
    given.set(key, value);
  }
  const missing = [...known.entries()].filter(([k, d]) => d.base && !given.has(k)).map(([k]) => k);
  if (missing.length > 0) return fail(`base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`);
  const ordered = registered.flatMap(([, comps]) => comps.filter((c) => given.has(c.shortName)).map((c) => `${c.shortName}:${given.get(c.shortName) ?? ''}`));
  const canonical = `CVSS:${version}/${ordered.join('/')}`;
  try {
    calc.applyVector(canonical);
    const json = calc.createJsonSchema() as Record<string, unknown>;
    const baseScore = json.baseScore;
    const baseSeverity = json.baseSeverity;
    if (typeof baseScore !== 'number' || !isSeverity(baseSeverity)) return fail('the CVSS vector could not be scored');
    return { ok: true, score: { version, vector: canonical, baseScore, baseSeverity, json: { ...json, vectorString: canonical } } };
  } catch (e) {
    return fail(`the CVSS vector could not be scored: ${e instanceof Error ? clip(e.message) : 'unknown error'}`);
  }
}

function isSeverity(s: unknown): s is CvssSeverity {
  return s === 'NONE' || s === 'LOW' || s === 'MEDIUM' || s === 'HIGH' || s === 'CRITICAL';
}

function fail(error: string): CvssResult {
  return { ok: false, error };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
