import type { PdfReport } from '../../crypto/index.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { verifyFetchingOcsp } from '../trust/verify-fetching-ocsp.js';
import type { NodeDeps } from './deps.js';

/**
 * Verifies a PDF the node sends (a clerk's upload, its own seal) in the worker pool with the node's trust, and
 * when a signature comes back TRY_LATER, fetches OCSP for the certificates the report names and verifies
 * again ({@link verifyFetchingOcsp}: at most 8 certificates, a few rounds), so a node whose only revocation
 * source is OCSP can send. Returns the last report either way: the caller judges it as before.
 */
export async function verifyPdfFetchingOcsp(deps: NodeDeps, pdf: Uint8Array, now: Date): Promise<PdfReport> {
  let last: PdfReport | undefined;
  try {
    return await verifyFetchingOcsp(deps, { what: 'outgoing PDF' }, async (wanted) => {
      last = await deps.pdf.verifyPdf(pdf, {
        trustAnchors: deps.trust.trustAnchors,
        crls: deps.trust.crls,
        ...(deps.trust.ocspResponses?.length ? { ocspResponses: deps.trust.ocspResponses } : {}),
        ...(deps.trust.intermediates ? { intermediates: deps.trust.intermediates } : {}),
        limits: deps.pdfLimits,
        now,
      });
      for (const s of last.signatures) wanted.add(s.cms);
      if (last.signatures.some((s) => s.indication === 'INDETERMINATE' && s.subIndication === 'TRY_LATER')) throw new DomainError('ERR_REVOCATION_UNAVAILABLE', 'outgoing PDF: TRY_LATER');
      return last;
    });
  } catch (e) {
    if (isDomainError(e, 'ERR_REVOCATION_UNAVAILABLE') && last) return last;
    throw e;
  }
}
