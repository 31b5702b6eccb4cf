// npm run bench:inspect [-- --count N]
// Throughput of the inspect pipeline over a corpus of PGP/MIME encrypted+signed reports
// made by gpg, beside (a) the bare openpgp decrypt+verify of the same payloads in-process
// (the floor: what the crypto alone costs) and (b) `gpg --decrypt` run once per message.
// Last line: `inspect msgs_per_s=R floor_ratio=F gpg_ratio=G`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as openpgp from 'openpgp';
import { loadKeyring } from '../src/crypto/openpgp.ts';
import { inspectMessage } from '../src/inbound/pipeline.ts';

const count = Number(process.argv[process.argv.indexOf('--count') + 1] ?? 0) || 300;
const home = mkdtempSync(join(tmpdir(), 'madoguchi-bench-'));
const gpg = (args: string[], input?: string | Buffer): Buffer =>
  execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
    input,
    maxBuffer: 64 * 1024 * 1024,
  });

try {
  gpg(['--quick-gen-key', 'Desk <desk@madoguchi.test>', 'ed25519', 'sign,cert', 'never']);
  const deskFpr = /fpr:+([0-9A-F]{40})/.exec(gpg(['--with-colons', '--list-keys', 'desk@madoguchi.test']).toString())![1]!;
  gpg(['--quick-add-key', deskFpr, 'cv25519', 'encr', 'never']);
  gpg(['--quick-gen-key', 'Reporter <reporter@bench.test>', 'ed25519', 'sign,cert', 'never']);

  const report = (i: number): string =>
    [
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      '届出種別: ソフトウエア製品',
      `氏名: 山田 太郎 ${i}`,
      'メールアドレス: reporter@bench.test',
      '製品名: Example Router',
      `バージョン: 1.${i}`,
      '脆弱性の概要: 管理画面にクロスサイトスクリプティングの脆弱性があります。',
      '再現手順:',
      '1. ログインする',
      '2. 設定画面の名前欄に <script>alert(1)</script> を入力する',
      '',
      'x'.repeat(2000),
      '',
    ].join('\r\n');

  process.stderr.write(`making ${count} encrypted+signed reports with gpg...\n`);
  const payloads: string[] = [];
  const messages: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const armored = gpg(['--trust-model', 'always', '--armor', '-es', '-u', 'reporter@bench.test', '-r', 'desk@madoguchi.test'], report(i)).toString();
    payloads.push(armored);
    messages.push(
      Buffer.from(
        [
          'From: Reporter <reporter@bench.test>',
          'To: desk@madoguchi.test',
          `Subject: report ${i}`,
          `Message-ID: <bench-${i}@bench.test>`,
          'MIME-Version: 1.0',
          'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b0"',
          '',
          '--b0',
          'Content-Type: application/pgp-encrypted',
          '',
          'Version: 1',
          '',
          '--b0',
          'Content-Type: application/octet-stream; name="encrypted.asc"',
          '',
          armored.trimEnd(),
          '--b0--',
          '',
        ].join('\r\n'),
      ),
    );
  }
  const deskSec = gpg(['--armor', '--export-secret-keys', 'desk@madoguchi.test']).toString();
  const repPub = gpg(['--armor', '--export', 'reporter@bench.test']).toString();
  const ring = await loadKeyring([{ name: 'desk', text: deskSec }, { name: 'rep', text: repPub }], undefined, (m) => process.stderr.write(m + '\n'));

  // warm-up (JIT, key caches) outside the timed loops
  for (const m of messages.slice(0, 10)) await inspectMessage(m, { ring });

  let t0 = performance.now();
  let good = 0;
  for (const m of messages) {
    const { verdict } = await inspectMessage(m, { ring });
    if (verdict.signature.status === 'valid' && verdict.kind === 'report') good++;
  }
  const inspectS = (performance.now() - t0) / 1000;
  if (good !== count) throw new Error(`inspect judged only ${good}/${count} messages valid reports`);

  const privs = await Promise.all([openpgp.readPrivateKey({ armoredKey: deskSec })]);
  const pubs = await openpgp.readKeys({ armoredKeys: repPub });
  t0 = performance.now();
  for (const p of payloads) {
    const message = await openpgp.readMessage({ armoredMessage: p });
    const r = await openpgp.decrypt({ message, decryptionKeys: privs, verificationKeys: pubs, format: 'binary' });
    await r.signatures[0]!.verified;
  }
  const floorS = (performance.now() - t0) / 1000;

  t0 = performance.now();
  for (const p of payloads) {
    const r = spawnSync('gpg', ['--homedir', home, '--batch', '--quiet', '--trust-model', 'always', '--decrypt'], { input: p });
    if (r.status !== 0) throw new Error('gpg --decrypt failed: ' + r.stderr.toString());
  }
  const gpgS = (performance.now() - t0) / 1000;

  const R = count / inspectS;
  const floor = count / floorS;
  const gpgRate = count / gpgS;
  console.log(`messages: ${count} (PGP/MIME, encrypted+signed, ~2.3 KB report each)`);
  console.log(`inspect pipeline:         ${R.toFixed(1)} msgs/s`);
  console.log(`openpgp decrypt+verify:   ${floor.toFixed(1)} msgs/s (floor)`);
  console.log(`gpg --decrypt per message: ${gpgRate.toFixed(1)} msgs/s`);
  console.log(`inspect msgs_per_s=${R.toFixed(1)} floor_ratio=${(R / floor).toFixed(2)} gpg_ratio=${(R / gpgRate).toFixed(2)}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
