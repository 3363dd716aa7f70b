import { signPdf } from '../../crypto/index.js';
import { buildEdocPackage, signPackage } from '../../server/domain/edxml/index.js';
import type { Exchange } from '../server/http/node/exchange-fixture.js';
import { G12, H27, UNSIGNED_PDF, secretOf } from '../server/http/node/exchange-fixture.js';

/**
 * G12 (registered at the axis, not hosted by the node) submits straight to the axis a person-signed and sealed
 * PDF whose header byte was changed after signing, addressed to H27.
 */
export async function submitTamperedDocument(ex: Exchange, number: string): Promise<string> {
  const sender = ex.agency(G12);
  const now = ex.clock;
  const person = (await signPdf(UNSIGNED_PDF, { identity: sender.person.identity, role: 'signer', signingTime: now(), appearance: false })).pdf;
  const signed = (await signPdf(person, { identity: sender.seal.identity, role: 'seal', signingTime: now(), appearance: false })).pdf;
  const altered = new Uint8Array(signed);
  altered[7] = altered[7] === 0x37 ? 0x36 : 0x37; // %PDF-1.7 → %PDF-1.6: inside the signed byte ranges
  const documentId = `000.00.00.G12,2026/11/20,${number}/BTC-VP`;
  const pkg = buildEdocPackage({
    MessageHeader: {
      From: { OrganId: G12, OrganName: 'Bộ Tài chính' },
      To: [{ OrganId: H27, OrganName: 'UBND Hà Tĩnh' }],
      DocumentId: documentId,
      Code: { CodeNumber: number, CodeNotation: 'BTC-VP' },
      PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: '2026/11/20' },
      DocumentType: { Type: 1, TypeName: 'Công văn' },
      Subject: 'Văn bản bị sửa sau khi ký',
      SignerInfo: { FullName: 'Trần B' },
      ToPlaces: [],
      OtherInfo: { Priority: 0 },
      ResponseFor: [],
    },
    TraceHeaderList: { TraceHeader: [{ OrganId: G12, Timestamp: '2026/11/20 09:00:00' }], Bussiness: { BussinessDocType: 0, Paper: 0 } },
    Attachments: [{ ContentId: 'cid:1', AttachmentName: 'altered.pdf', ContentType: 'application/pdf', Content: altered, Zipped: false }],
  });
  const signature = await signPackage(pkg, sender.seal.identity, now());
  const tokenR = await fetch(`${ex.baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId: G12, secret: secretOf(G12) }) });
  const axisToken = ((await tokenR.json()) as { accessToken: string }).accessToken;
  const form = new FormData();
  form.set('type', 'edoc');
  form.set('package', new Blob([pkg]), 'p.edxml');
  form.set('signature', new Blob([signature]), 'p.p7s');
  const submit = await fetch(`${ex.baseUrl}/axis/v1/edocs`, { method: 'POST', headers: { authorization: `Bearer ${axisToken}` }, body: form });
  if (submit.status !== 201) throw new Error(`axis refused the tampered package: ${submit.status} ${await submit.text()}`);
  return documentId;
}
