import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { zipSync } from 'fflate';
import { isDomainError } from '../../../../server/domain/errors.js';
import { buildEdocPackage, parseEdocPackage, unwrapZip, wrapZip } from '../../../../server/domain/edxml/index.js';
import type { EdocPackage } from '../../../../server/domain/edxml/index.js';
import { binaryBytes, minimalPackage } from './fixtures.js';

const LIMITS = { maxAttachmentBytes: 1024 * 1024, maxZipEntries: 16 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isDomainError(e) ? e.code : `not a DomainError: ${String(e)}`;
  }
  return undefined;
}

describe('ZIP-wrapped attachments', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-zip-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when Info-ZIP wraps one file, then it is unwrapped to the same bytes', () => {
    const content = binaryBytes(100_000);
    writeFileSync(join(dir, 'van-ban.pdf'), content);
    execFileSync('zip', ['-q', '-j', join(dir, 'w.zip'), join(dir, 'van-ban.pdf')]);
    const r = unwrapZip(new Uint8Array(readFileSync(join(dir, 'w.zip'))), LIMITS);
    expect(r.zipped).to.equal(true);
    expect(r.innerName).to.equal('van-ban.pdf');
    expect(Buffer.from(r.content).equals(Buffer.from(content))).to.equal(true);
  });
  it('when Info-ZIP stores a file uncompressed, then it is unwrapped too', () => {
    writeFileSync(join(dir, 'a.txt'), 'Văn bản');
    execFileSync('zip', ['-q', '-0', '-j', join(dir, 's.zip'), join(dir, 'a.txt')]);
    const r = unwrapZip(new Uint8Array(readFileSync(join(dir, 's.zip'))), LIMITS);
    expect(new TextDecoder().decode(r.content)).to.equal('Văn bản');
  });
  it('when we wrap a file, then Info-ZIP extracts the same bytes', () => {
    const content = binaryBytes(30_000);
    writeFileSync(join(dir, 'ours.zip'), wrapZip('phu-luc.pdf', content));
    const out = execFileSync('unzip', ['-p', join(dir, 'ours.zip'), 'phu-luc.pdf']);
    expect(out.equals(Buffer.from(content))).to.equal(true);
  });
  it('when a ZIP holds several files, then it is left as it is (an archive, not a wrapper)', () => {
    const z = zipSync({ 'a.txt': new Uint8Array([1]), 'b.txt': new Uint8Array([2]) });
    const r = unwrapZip(z, LIMITS);
    expect(r.zipped).to.equal(false);
    expect(r.content).to.equal(z);
  });
  it('when the bytes are not a ZIP, then they are returned raw', () => {
    const b = new TextEncoder().encode('%PDF-1.7');
    expect(unwrapZip(b, LIMITS)).to.deep.equal({ content: b, zipped: false });
  });
  it('when a zip bomb declares its real size, then ERR_ATTACHMENT_TOO_LARGE without inflating', () => {
    const bomb = zipSync({ 'bomb.bin': new Uint8Array(50 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).to.be.lessThan(100_000);
    expect(codeOf(() => unwrapZip(bomb, LIMITS))).to.equal('ERR_ATTACHMENT_TOO_LARGE');
  });
  it('when a zip bomb lies about its size, then inflating stops at the limit with ERR_ATTACHMENT_TOO_LARGE', () => {
    const bomb = zipSync({ 'bomb.bin': new Uint8Array(50 * 1024 * 1024) }, { level: 9 });
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    const eocd = bomb.length - 22;
    const cd = view.getUint32(eocd + 16, true);
    view.setUint32(cd + 24, 1000, true); // central directory: uncompressed size 1000
    expect(codeOf(() => unwrapZip(bomb, LIMITS))).to.equal('ERR_ATTACHMENT_TOO_LARGE');
  });
  it('when the CRC-32 does not match, then ERR_ATTACHMENT_INVALID', () => {
    const z = zipSync({ 'a.bin': binaryBytes(1000) });
    const view = new DataView(z.buffer, z.byteOffset, z.byteLength);
    const cd = view.getUint32(z.length - 22 + 16, true);
    view.setUint32(cd + 16, view.getUint32(cd + 16, true) ^ 1, true);
    expect(codeOf(() => unwrapZip(z, LIMITS))).to.equal('ERR_ATTACHMENT_INVALID');
  });
  it('when the one entry is encrypted, then ERR_ATTACHMENT_INVALID', () => {
    const z = zipSync({ 'a.bin': binaryBytes(1000) });
    const view = new DataView(z.buffer, z.byteOffset, z.byteLength);
    const cd = view.getUint32(z.length - 22 + 16, true);
    view.setUint16(cd + 8, view.getUint16(cd + 8, true) | 1, true);
    expect(codeOf(() => unwrapZip(z, LIMITS))).to.equal('ERR_ATTACHMENT_INVALID');
  });
  it('when the deflate stream is corrupt, then ERR_ATTACHMENT_INVALID', () => {
    const z = zipSync({ 'a.bin': binaryBytes(5000) }).slice();
    const localData = 30 + 'a.bin'.length;
    for (let i = localData; i < localData + 40; i++) z[i] = 0xff;
    expect(codeOf(() => unwrapZip(z, LIMITS))).to.equal('ERR_ATTACHMENT_INVALID');
  });
  it('when a package carries a zipped attachment, then the receiver gets the file and Zipped true', () => {
    const base = minimalPackage();
    const pkg: EdocPackage = {
      ...base,
      Attachments: [{ ContentId: 'cid:z', AttachmentName: 'a.pdf', ContentType: 'application/pdf', Content: binaryBytes(4096), Zipped: true }],
    };
    const built = buildEdocPackage(pkg);
    expect(new TextDecoder().decode(built)).to.contain('<edXML:ContentTransferEncoded>UEsDB'); // "PK\x03\x04"
    expect(parseEdocPackage(built).Attachments[0]).to.deep.equal(pkg.Attachments[0]);
  });
  it('when the file sent raw is itself a one-file ZIP, then the receiver gets that ZIP, not what is inside it', () => {
    const innerZip = zipSync({ 'ho-so.pdf': binaryBytes(3000) });
    const pkg: EdocPackage = {
      ...minimalPackage(),
      Attachments: [{ ContentId: 'cid:z', AttachmentName: 'ho-so.zip', ContentType: 'application/zip', Content: innerZip, Zipped: false }],
    };
    const got = parseEdocPackage(buildEdocPackage(pkg)).Attachments[0]!;
    expect(Buffer.from(got.Content).equals(Buffer.from(innerZip))).to.equal(true);
    expect(got.Zipped).to.equal(true);
  });
  it('when a package carries a zip bomb, then parsing refuses it with ERR_ATTACHMENT_TOO_LARGE', () => {
    const base = minimalPackage();
    const pkg: EdocPackage = {
      ...base,
      Attachments: [{ ContentId: 'cid:z', AttachmentName: 'big.bin', ContentType: 'application/octet-stream', Content: new Uint8Array(8 * 1024 * 1024), Zipped: true }],
    };
    const built = buildEdocPackage(pkg);
    expect(codeOf(() => parseEdocPackage(built, { maxAttachmentBytes: 1024 * 1024 }))).to.equal('ERR_ATTACHMENT_TOO_LARGE');
  });
});
