import type { AgencyRecord, DeliveryRecord } from '../../../domain/ports/axis/index.js';

/** The VDXP success envelope (the SDKs test `ErrorCode === "0"`). */
export const vdxpOk = () => ({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Success' });

/**
 * A delivery as the SDK's `Knobstick` reads it (docId, serviceType, messageType, created_time, updated_time,
 * from, to, status, status_desc), plus lienthong's own fields (documentId, statusCode, sha256, size, downloads, lastDownloadedAt) that the
 * SDKs ignore and lienthong nodes use to check what they download.
 */
export function vdxpDeliveryView(d: DeliveryRecord) {
  return {
    docId: d.docId,
    serviceType: 'eDoc',
    messageType: d.type,
    created_time: d.submittedAt.toISOString(),
    updated_time: (d.acknowledgedAt ?? d.lastDownloadedAt ?? d.submittedAt).toISOString(),
    from: d.sender,
    to: d.recipient,
    status: d.state,
    status_desc: d.state === 'pending' ? 'waiting for the recipient' : d.state === 'done' ? 'received' : `refused${d.ackReason ? `: ${d.ackReason}` : ''}`,
    documentId: d.documentId,
    ...(d.statusCode ? { statusCode: d.statusCode } : {}),
    sha256: d.sha256,
    size: d.size,
    downloads: d.downloads,
    ...(d.lastDownloadedAt ? { lastDownloadedAt: d.lastDownloadedAt.toISOString() } : {}),
  };
}

/** A registry entry as the SDKs' agency list has it: `code`, `pcode` (the parent's code), `name`. */
export function vdxpAgencyView(a: AgencyRecord) {
  return { code: a.code, pcode: a.parentCode ?? '', name: a.name };
}

/**
 * One recipient's delivery of a sent package as the SDK's `StatusResult` reads it (SDKVXP
 * KnobstickServiceImp.getSentEdocList: serviceType, messageType, senderDocId, receiverDocId, fromCode, toCode,
 * sendStatus(+Desc), receiveStatus(+Desc), sentTime, receivedTime). The axis gives one DocId per package, so
 * senderDocId and receiverDocId are the same; sendStatus is always `done` (the axis accepted it);
 * receiveStatus is the recipient's transport answer: pending, done or fail. No title/notation (the axis
 * does not read the document's metadata into its records).
 */
export function vdxpSentView(d: DeliveryRecord) {
  return {
    serviceType: 'eDoc',
    messageType: d.type,
    senderDocId: d.docId,
    receiverDocId: d.docId,
    fromCode: d.sender,
    toCode: d.recipient,
    sendStatus: 'done',
    sendStatusDesc: 'accepted by the axis',
    receiveStatus: d.state,
    receiveStatusDesc: d.state === 'pending' ? (d.downloads > 0 ? 'downloaded, not acknowledged' : 'waiting for the recipient') : d.state === 'done' ? 'received' : `refused${d.ackReason ? `: ${d.ackReason}` : ''}`,
    sentTime: d.submittedAt.toISOString(),
    ...(d.acknowledgedAt ? { receivedTime: d.acknowledgedAt.toISOString() } : {}),
    documentId: d.documentId,
    ...(d.statusCode ? { statusCode: d.statusCode } : {}),
    downloads: d.downloads,
  };
}
