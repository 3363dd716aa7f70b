export type { CertificateSummary, Check, Indication, SignatureReport, SubIndication } from './types.js';
export { buildReport, Checklist, type ReportFacts } from './build-report.js';
