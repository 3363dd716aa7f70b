/** The axis use cases (mock national document axis). Each takes its dependencies as the first argument. */
export type { AxisDeps, AxisLimits, AxisPrincipal, PageRequest } from './deps.js';
export { MAX_PAGE_SIZE } from './deps.js';
export { authenticateSystem, verifyAxisToken, type IssuedAxisToken } from './authenticate-system.js';
export { authenticateOperator, verifyOperatorToken, OPERATOR_SYSTEM_ID, OPERATOR_ROLE, type OperatorPrincipal } from './authenticate-operator.js';
export { nationalMonthlyReport, vietnamMonthRange, vietnamMonthOf, NATIONAL_REPORT_MAX_DELIVERIES, type NationalReport, type NationalGroup, type NationalAgencyRow, type NationalFigures } from './national-report.js';
export { registerAgency, listAgencies, showAgency, bindCertificate, revokeCertificate, replaceCertificate, setSecret, seedDevelopmentRegistry, type RegistryDeps, type SeedAgency, type SeedResult, type AgencyDetail } from './registry.js';
export { issueTimestamp } from './issue-timestamp.js';
export { answerOcsp } from './answer-ocsp.js';
export { submitPackage, type SubmitPackageInput, type SubmitPackageResult } from './submit-package.js';
export { listDeliveries, downloadPackage, acknowledgeDelivery, traceOfDocument, type DownloadedPackage } from './deliveries.js';
export { appendTrace, hashTraceEntry, verifyTraceChain, GENESIS_HASH, type ChainCheck } from './trace.js';
export { createAxisServices, type AxisServices } from './services.js';
export { createRequestKeyBox, type RequestKeyBox } from './vdxp/request-keys.js';
export { formatVdxpTimestamp, parseVdxpTimestamp, type VdxpSignedRequest } from './vdxp/authenticate-request.js';
export { exportNationalReport, nationalLines, nationalColumns, NATIONAL_REPORT_FORMATS, nationalMediaTypeOf, type NationalReportFormat, type NationalReportFile, type NationalLine } from './export-national-report.js';
