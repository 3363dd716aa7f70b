import { parseDocumentId, type EdocPackage } from '../edxml/index.js';
import type { DocumentMetadata } from '../ports/node/index.js';

const iso = (ymd: string) => ymd.replace(/\//g, '-');

function receiverChangesOf(i: NonNullable<EdocPackage['TraceHeaderList']['Bussiness']['BussinessDocumentInfo']>): NonNullable<DocumentMetadata['receiverChanges']> {
  return {
    ...(i.DocumentInfo !== undefined ? { documentInfo: i.DocumentInfo } : {}),
    ...(i.DocumentReceiver !== undefined ? { documentReceiver: i.DocumentReceiver } : {}),
    receivers: i.ReceiverList.map((r) => ({ organId: r.OrganId, receiverType: r.ReceiverType })),
  };
}

/**
 * The metadata of a received document, read from its package's MessageHeader and Bussiness block
 * (QCVN 102:2016; dates as YYYY-MM-DD). Without a readable package (refused before parsing), what the
 * composite DocumentId tells: number, notation and promulgation date, or empty values.
 */
export function metadataOfPackage(pkg: EdocPackage | undefined, documentId: string): DocumentMetadata {
  if (!pkg) {
    const p = parseDocumentId(documentId);
    return {
      subject: '',
      codeNumber: p?.codeNumber ?? '',
      codeNotation: p?.codeNotation ?? '',
      promulgationDate: p ? iso(p.promulgationDate) : '',
      promulgationPlace: '',
      documentType: { type: 0, typeName: '' },
      signer: { fullName: '' },
      priority: 0,
      paper: false,
      toPlaces: [],
      responseFor: [],
      bussinessDocType: 0,
    };
  }
  const h = pkg.MessageHeader;
  const b = pkg.TraceHeaderList.Bussiness;
  return {
    subject: h.Subject,
    codeNumber: h.Code.CodeNumber,
    codeNotation: h.Code.CodeNotation,
    promulgationDate: iso(h.PromulgationInfo.PromulgationDate),
    promulgationPlace: h.PromulgationInfo.Place,
    documentType: { type: h.DocumentType.Type, typeName: h.DocumentType.TypeName, ...(h.DocumentType.TypeDetail !== undefined ? { typeDetail: h.DocumentType.TypeDetail } : {}) },
    signer: { fullName: h.SignerInfo.FullName, ...(h.SignerInfo.Competence ? { competence: h.SignerInfo.Competence } : {}), ...(h.SignerInfo.Position ? { position: h.SignerInfo.Position } : {}) },
    priority: h.OtherInfo.Priority,
    paper: b.Paper === 1,
    ...(h.OtherInfo.PromulgationAmount !== undefined ? { copies: h.OtherInfo.PromulgationAmount } : {}),
    ...(h.DueDate ? { dueDate: iso(h.DueDate) } : {}),
    toPlaces: h.ToPlaces,
    ...(h.SteeringType !== undefined ? { steeringType: h.SteeringType } : {}),
    responseFor: h.ResponseFor.map((r) => ({ organId: r.OrganId, code: r.Code, promulgationDate: iso(r.PromulgationDate), documentId: r.DocumentId })),
    bussinessDocType: b.BussinessDocType,
    ...(b.DocumentId ? { targetDocumentId: b.DocumentId } : {}),
    ...(b.BussinessDocReason ? { bussinessReason: b.BussinessDocReason } : {}),
    ...(b.BussinessDocumentInfo ? { receiverChanges: receiverChangesOf(b.BussinessDocumentInfo) } : {}),
    ...(b.ReplacementInfoList ? { replaces: b.ReplacementInfoList.map((r) => ({ documentId: r.DocumentId, organIds: [...r.OrganIdList] })) } : {}),
  };
}
