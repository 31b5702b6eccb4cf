// `npm run fuzz:scaling`: hostile shapes at a size the mutation fuzzer does not reach
// (a few MB: the desk accepts 25 MiB): runs of markers without their ends, deep folding,
// many parts, nested comments. Anything quadratic shows here as seconds; each case must
// be read within FUZZ_SCALING_MS (default 5000). This probe found the armor and HTML scans
// that were quadratic (test/unit/armor-begin-lines-without-end, html-unclosed-tags).
import { loadKeyring } from '../src/crypto/openpgp.ts';
import { inspectMessage } from '../src/inbound/pipeline.ts';
import { fixtureKeySources, FUZZ_NOW } from './keys.ts';
const ring = await loadKeyring(fixtureKeySources(), undefined, () => undefined);
const N = Number(process.env.FUZZ_SCALING_BYTES ?? 4 * 1024 * 1024);
const LIMIT_MS = Number(process.env.FUZZ_SCALING_MS ?? 5000);
let slow = 0;
const cases: Record<string, string> = {
  htmlOpen: 'Content-Type: text/html\n\n' + '<'.repeat(N),
  htmlScript: 'Content-Type: text/html\n\n' + '<script'.repeat(N / 7),
  newlines: 'Subject: x\n\n' + '\n'.repeat(N),
  crs: 'Subject: x\n\n' + '\r'.repeat(N),
  headerFold: 'Subject: x\n' + ' a\n'.repeat(60000) + '\nbody',
  boundaryNoLine: 'Content-Type: multipart/mixed; boundary=b\n\n--b\n\n' + 'x--b'.repeat(N / 4) + '\n--b--\n',
  boundaryDashes: 'Content-Type: multipart/mixed; boundary=b\n\n' + '\n--bx'.repeat(N / 5),
  manyParts: 'Content-Type: multipart/mixed; boundary=b\n\n' + '--b\n\nx\n'.repeat(999) + '--b--\n',
  armorBegin: 'Subject: x\n\n' + '-----BEGIN PGP MESSAGE-----\n'.repeat(N / 28),
  armorSigned: 'Subject: x\n\n' + '-----BEGIN PGP SIGNED MESSAGE-----\n\n'.repeat(N / 37),
  armorMix: 'Subject: x\n\n-----BEGIN PGP MESSAGE-----\n' + 'AAAA\n'.repeat(N / 5) ,
  qp: 'Content-Transfer-Encoding: quoted-printable\n\n' + '= \t'.repeat(N / 3),
  formLines: 'Subject: x\n\n' + '1. 製品名: x\n'.repeat(N / 16),
  formColons: 'Subject: x\n\n' + ':'.repeat(N),
  formSpaces: 'Subject: x\n\n' + ' '.repeat(N) + 'x',
  caseIds: 'Subject: x\n\n' + 'VR-2026-'.repeat(N / 8),
  iso2022: 'Content-Type: text/plain; charset=iso-2022-jp\n\n' + '\x1b$B'.repeat(N / 3),
  encWords: 'Subject: ' + '=?UTF-8?B?'.repeat(20000) + '\n\nx',
  autocrypt: 'From: a@b\nAutocrypt: addr=a@b; keydata=' + 'A'.repeat(200000) + '\n\nx',
  rfc822nest: 'Content-Type: message/rfc822\n\n'.repeat(30) + 'x',
  addresses: 'From: ' + '"a" <a@b>,'.repeat(20000) + '\n\nx',
  commentNest: 'From: ' + '('.repeat(100000) + '\n\nx',
  quoteNest: 'Content-Type: text/plain; charset="' + '\\"'.repeat(100000) + '\n\nx',
  params: 'Content-Type: text/plain' + '; a=b'.repeat(40000) + '\n\nx',
};
for (const [name, s] of Object.entries(cases)) {
  const t = Date.now();
  const raw = Buffer.from(s, 'latin1');
  const r = await inspectMessage(raw, { ring, now: FUZZ_NOW });
  const ms = Date.now() - t;
  if (ms > LIMIT_MS) slow++;
  console.log(name.padEnd(16), String(raw.length).padStart(9), `${ms} ms`.padStart(9), ms > LIMIT_MS ? 'SLOW' : 'ok', r.verdict.rejected?.reason ?? '-');
}
console.log(`scaling: ${Object.keys(cases).length} shapes of up to ${N} bytes, ${slow} over ${LIMIT_MS} ms`);
process.exitCode = slow > 0 ? 1 : 0;
