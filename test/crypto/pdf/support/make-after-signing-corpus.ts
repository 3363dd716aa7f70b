/**
 * Regenerates test/vectors/pdf/after-signing/ (attacks on what a signed PDF shows, each with its expected
 * indication and change codes) and the two hostile files of test/vectors/pdf/:
 * `node dist/test/crypto/pdf/support/make-after-signing-corpus.js` from the repository root, after `npx tsc -p .`.
 * The attacks use a fresh OpenSSL-made PKI (its root and CRL are written beside them); the hostile files are
 * derived deterministically from the committed test/vectors/pdf/valid-two-signatures.pdf.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAfterSigningCorpus } from './after-signing-corpus.js';
import { hostileFiles } from './hostile.js';
import { testPki } from './pki.js';

const vectors = join(process.cwd(), 'test', 'vectors', 'pdf');
const dir = join(vectors, 'after-signing');
mkdirSync(dir, { recursive: true });
const pki = testPki();
const signingTime = new Date(Math.floor(pki.clock().getTime() / 1000) * 1000);
const entries = await buildAfterSigningCorpus(pki, signingTime);
copyFileSync(pki.rootPath, join(dir, 'root.pem'));
copyFileSync(pki.crlPath, join(dir, 'ca.crl.pem'));
const expected: Record<string, unknown> = {};
for (const e of entries) {
  writeFileSync(join(dir, e.file), e.bytes);
  expected[e.file] = e.expected;
}
writeFileSync(
  join(dir, 'expected.json'),
  JSON.stringify(
    { origin: 'test/crypto/pdf/support/make-after-signing-corpus.ts (OpenSSL-made PKI, lienthong signer, attacks by the incremental writer)', verifyAt: new Date(signingTime.getTime() + 3_600_000).toISOString(), files: expected },
    null,
    2,
  ) + '\n',
);
for (const h of hostileFiles(new Uint8Array(readFileSync(join(vectors, 'valid-two-signatures.pdf'))))) writeFileSync(join(vectors, h.file), h.bytes);
console.log(`${entries.length} files written to ${dir}, 2 hostile files to ${vectors}`);
