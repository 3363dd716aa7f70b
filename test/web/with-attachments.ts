import { signDetached, signPdf } from '../../crypto/index.js';
import { formatEdxmlTimestamp, type Attachment } from '../../server/domain/edxml/index.js';
import { axisToken, buildHandPackage, handDocumentId, submitByHand } from '../server/http/node/axis-by-hand.js';
import { G12, H27, UNSIGNED_PDF, secretOf, type Exchange } from '../server/http/node/exchange-fixture.js';

export const ANNEX = new TextEncoder().encode('PK\u0003\u0004 word/document.xml: Phụ lục kèm theo công văn');
export const TABLE = new TextEncoder().encode('stt,ten\n1,Hà Tĩnh\n');

/**
 * G12 (registered at the axis, not hosted by the node) sends H27 a sealed PDF with a person-signed annex
 * (`phu-luc.docx` + `phu-luc.docx.p7s`) and an unsigned table (`bang.csv`). Returns the edXML DocumentId.
 */
export async function submitDocumentWithAttachments(ex: Exchange, number: string): Promise<string> {
  const sender = ex.agency(G12);
  const pdf = (await signPdf(UNSIGNED_PDF, { identity: sender.seal.identity, role: 'seal', signingTime: ex.clock(), appearance: false })).pdf;
  const annexSignature = await signDetached({ content: ANNEX }, { identity: sender.person.identity, signingTime: ex.clock(), hash: 'SHA-256', includeChain: true });
  const file = (i: number, AttachmentName: string, ContentType: string, Content: Uint8Array): Attachment => ({ ContentId: `cid:${i}`, AttachmentName, ContentType, Content, Zipped: false });
  const p = {
    from: { code: G12, name: 'Bộ Tài chính' },
    to: H27,
    number,
    date: formatEdxmlTimestamp(ex.clock()).slice(0, 10),
    bussiness: { BussinessDocType: 0 as const },
    attachments: [
      file(1, `${number}.pdf`, 'application/pdf', pdf),
      file(2, 'phu-luc.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ANNEX),
      file(3, 'phu-luc.docx.p7s', 'application/pkcs7-signature', annexSignature),
      file(4, 'bang.csv', 'text/csv', TABLE),
    ],
  };
  const token = await axisToken(ex.baseUrl, G12, secretOf(G12));
  const r = await submitByHand(ex.baseUrl, token, 'edoc', buildHandPackage(p), sender.seal, ex.clock());
  if (r.status !== 201) throw new Error(`axis refused the package: ${r.status} ${JSON.stringify(r.body)}`);
  return handDocumentId(p);
}
