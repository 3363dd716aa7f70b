export type { CertificateSummary, Check, Indication, PoeSource, RevocationSubject, SignatureReport, SubIndication, TimestampSummary } from './types.js';
export { buildReport, Checklist, type ReportFacts } from './build-report.js';
