/**
 * Regenerates test/vectors/pdf/: `node dist/test/crypto/pdf/support/make-corpus.js` from the repository root.
 * Writes the corpus files, the trust anchor and CRL they verify against, and expected.json.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCorpus } from './corpus.js';
import { testPki } from './pki.js';

const dir = join(process.cwd(), 'test', 'vectors', 'pdf');
mkdirSync(dir, { recursive: true });
const pki = testPki();
const signingTime = new Date(Math.floor(pki.clock().getTime() / 1000) * 1000);
const entries = await buildCorpus(pki, signingTime);
copyFileSync(pki.rootPath, join(dir, 'root.pem'));
copyFileSync(pki.crlPath, join(dir, 'ca.crl.pem'));
const expected: Record<string, unknown> = {};
for (const e of entries) {
  writeFileSync(join(dir, e.file), e.bytes);
  expected[e.file] = e.expected;
}
writeFileSync(
  join(dir, 'expected.json'),
  JSON.stringify({ origin: 'test/crypto/pdf/support/make-corpus.ts (OpenSSL-made PKI, lienthong signer)', verifyAt: new Date(signingTime.getTime() + 3_600_000).toISOString(), files: expected }, null, 2) + '\n',
);
console.log(`${entries.length} files written to ${dir}`);
