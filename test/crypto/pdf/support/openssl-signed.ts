import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { IncrementalWriter } from '../../../../crypto/pdf/incremental-writer.js';
import { PdfFile } from '../../../../crypto/pdf/pdf-file.js';
import { formatPdfDate } from '../../../../crypto/pdf/pdf-date.js';
import { appendSignaturePlaceholder, embedSignatureContents } from '../../../../crypto/pdf/signature-field.js';
import type { TestPki } from './pki.js';
import { work } from './tools.js';
import { join } from 'node:path';

let n = 0;

/**
 * A PDF whose signature was made by the system OpenSSL (`openssl cms -sign -binary -outform DER`) over the
 * byte ranges of an invisible placeholder: an independently signed document.
 */
export function opensslSignedDocument(input: Uint8Array, pki: TestPki, options: { subFilter: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached'; signingTime: Date; who?: 'person' | 'seal' }): Uint8Array {
  const file = PdfFile.open(input);
  const prepared = appendSignaturePlaceholder({
    file,
    writer: new IncrementalWriter(file),
    pageIndex: 0,
    rect: [0, 0, 0, 0],
    contentsBytes: 12000,
    signature: { subFilter: options.subFilter, m: formatPdfDate(options.signingTime) },
  });
  const [a, b, c, d] = prepared.byteRange;
  const data = Buffer.concat([prepared.bytes.subarray(a, a + b), prepared.bytes.subarray(c, c + d)]);
  const id = ++n;
  const dataPath = join(work, `ossl-${id}.bin`);
  const sigPath = join(work, `ossl-${id}.p7s`);
  writeFileSync(dataPath, data);
  const who = pki[options.who ?? 'person'];
  const args = ['cms', '-sign', '-binary', '-outform', 'DER', '-md', 'sha256', '-in', dataPath, '-out', sigPath, '-signer', who.certPath, '-inkey', who.keyPath, '-certfile', pki.chainPath, '-nosmimecap'];
  if (options.subFilter === 'ETSI.CAdES.detached') args.push('-cades');
  execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return embedSignatureContents(prepared, new Uint8Array(readFileSync(sigPath)));
}
