/** PAdES: sign PDFs by incremental update and verify every signature and every change made after it. */
export { signPdf, type SignPdfOptions, type SignPdfResult } from './sign.js';
export type { PdfAppearanceOptions, PdfSignatureRole } from './appearance/types.js';
export { formatPdfDate, parsePdfDate, formatIsoWithOffset } from './pdf-date.js';
export { verifyPdf, type VerifyPdfOptions } from './verify.js';
export { addValidationData, listRevocationSubjects, type AddValidationDataOptions, type AddValidationDataResult, type RevocationSubject } from './add-validation-data.js';
export type { PadesLevel, PdfReport, PdfSignatureReport, PdfChange, PdfChangeCode, PdfModificationAnalysis, PdfSubIndication } from './types.js';
export { DEFAULT_PDF_LIMITS, type PdfLimits } from './limits.js';
