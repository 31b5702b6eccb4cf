// An HTML part made of tags that never close ('<' with no '>', '<script' with no
// '</script>'): the tag-stripping regular expressions restarted at every '<', so 256 KiB
// of '<' took four minutes (quadratic). Found probing the fuzz targets (fuzz/) with large
// inputs; now linear scans, with the same text for ordinary HTML.
import { describe, expect, it } from 'vitest';
import { loadKeyring } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';

const MiB = 1024 * 1024;
const html = (body: string): Buffer => Buffer.from(`From: a@example.test\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${body}`, 'utf8');

describe('an HTML part of unclosed tags', () => {
  it.each([
    ['4 MiB of "<"', '<'.repeat(4 * MiB)],
    ['4 MiB of "<script"', '<script'.repeat((4 * MiB) / 7)],
    ['4 MiB of "<style>" and "<b"', '<style><b'.repeat((4 * MiB) / 9)],
  ])('%s is read in linear time, the unclosed rest kept as text', async (_name, body) => {
    const ring = await loadKeyring([], undefined, () => undefined);
    const t = Date.now();
    const inb = await inspectMessage(html(body), { ring });
    expect(Date.now() - t).toBeLessThan(5000);
    expect(inb.verdict.rejected).toBeNull();
    expect(inb.text.length).toBeGreaterThan(0);
  });

  it('reads ordinary HTML as before: scripts and styles dropped, line breaks kept, entities decoded', async () => {
    const ring = await loadKeyring([], undefined, () => undefined);
    const body = '<html><head><style>p{color:red}</style><SCRIPT>alert(1)</script></head><body><p>製品名: Acme &amp; Co</p><div>a<br>b<br/>c</div>x &lt;y&gt; &quot;z&quot;&nbsp;<script>1<b>2</b></Script>end <unclosed';
    const inb = await inspectMessage(html(body), { ring });
    expect(inb.text).toBe('製品名: Acme & Co\na\nb\nc\nx <y> "z" end <unclosed');
  });
});
