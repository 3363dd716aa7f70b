import { axisJwks } from '../auth/token.js';
import { authenticateSystem, verifyAxisToken } from './authenticate-system.js';
import { authenticateOperator, OPERATOR_SYSTEM_ID, verifyOperatorToken } from './authenticate-operator.js';
import { exportNationalReport, type NationalReportFormat } from './export-national-report.js';
import { nationalMonthlyReport, vietnamMonthOf } from './national-report.js';
import { acknowledgeDelivery, downloadPackage, listDeliveries, traceOfDocument } from './deliveries.js';
import type { AxisDeps } from './deps.js';
import { bindCertificate, findCertificateHolder, listAgencies, registerAgency, registerPersonCertificate, replaceCertificate, revokeCertificate, revokePersonCertificate, seedDevelopmentRegistry, setSecret, showAgency } from './registry.js';
import { issueTimestamp } from './issue-timestamp.js';
import { answerOcsp } from './answer-ocsp.js';
import { submitPackage } from './submit-package.js';
import { verifyTraceChain } from './trace.js';
import { vdxpCountReceived, vdxpDeleteAgency, vdxpRegisterAgency, vdxpGetEdoc, vdxpListAgencies, vdxpListReceived, vdxpListSent, vdxpSendEdoc, vdxpUpdateStatus } from './vdxp/facade.js';

type Bound<F> = F extends (deps: AxisDeps, ...args: infer A) => infer R ? (...args: A) => R : never;

/** The axis use cases with their dependencies bound: what the HTTP router and the CLI call. */
export interface AxisServices {
  /** Size limits the HTTP layer enforces while reading a send request. */
  readonly limits: AxisDeps['limits'];
  readonly authenticateSystem: Bound<typeof authenticateSystem>;
  readonly verifyToken: Bound<typeof verifyAxisToken>;
  readonly verifyOperatorToken: Bound<typeof verifyOperatorToken>;
  /** The operator's national view of a month (default: the current month, Vietnam time). */
  readonly nationalMonthlyReport: (input: { readonly month?: string }) => ReturnType<typeof nationalMonthlyReport>;
  /** The same as a file: JSON, CSV (UTF-8 with BOM) or XLSX. */
  readonly exportNationalReport: (input: { readonly month?: string; readonly format: NationalReportFormat }) => ReturnType<typeof exportNationalReport>;
  /** The public keys that verify axis tokens, as a JWK Set. */
  readonly publicTokenKeys: () => ReturnType<typeof axisJwks>;
  readonly registerAgency: Bound<typeof registerAgency>;
  readonly listAgencies: Bound<typeof listAgencies>;
  readonly showAgency: Bound<typeof showAgency>;
  readonly bindCertificate: Bound<typeof bindCertificate>;
  readonly revokeCertificate: Bound<typeof revokeCertificate>;
  readonly replaceCertificate: Bound<typeof replaceCertificate>;
  readonly setSecret: Bound<typeof setSecret>;
  readonly registerPersonCertificate: Bound<typeof registerPersonCertificate>;
  readonly revokePersonCertificate: Bound<typeof revokePersonCertificate>;
  readonly findCertificateHolder: Bound<typeof findCertificateHolder>;
  readonly seedDevelopmentRegistry: Bound<typeof seedDevelopmentRegistry>;
  readonly submitPackage: Bound<typeof submitPackage>;
  readonly listDeliveries: Bound<typeof listDeliveries>;
  readonly downloadPackage: Bound<typeof downloadPackage>;
  readonly acknowledgeDelivery: Bound<typeof acknowledgeDelivery>;
  readonly traceOfDocument: Bound<typeof traceOfDocument>;
  readonly issueTimestamp: Bound<typeof issueTimestamp>;
  readonly answerOcsp: Bound<typeof answerOcsp>;
  /** The VDXP-compatible facade (issue 14 §4): each authenticates the SDK's signed headers itself. */
  readonly vdxp: {
    readonly sendEdoc: Bound<typeof vdxpSendEdoc>;
    readonly getReceivedEdocList: Bound<typeof vdxpListReceived>;
    readonly getSentEdocList: Bound<typeof vdxpListSent>;
    readonly getEdoc: Bound<typeof vdxpGetEdoc>;
    readonly countReceived: Bound<typeof vdxpCountReceived>;
    readonly updateStatus: Bound<typeof vdxpUpdateStatus>;
    readonly getAgenciesList: Bound<typeof vdxpListAgencies>;
    readonly registerAgency: Bound<typeof vdxpRegisterAgency>;
    readonly deleteAgency: Bound<typeof vdxpDeleteAgency>;
  };
  /** Re-reads the whole trace and checks its hash chain (pages of 1000). */
  readonly verifyTrace: () => Promise<{ ok: boolean; checked: number; brokenAt?: number }>;
}

export function createAxisServices(deps: AxisDeps): AxisServices {
  const services: AxisServices = {
    limits: deps.limits,
    // The operator signs in at the same route with the system id `operator` (no agency code looks like it).
    authenticateSystem: (input) => (input.systemId === OPERATOR_SYSTEM_ID ? authenticateOperator(deps, { secret: input.secret, ...(input.address ? { address: input.address } : {}) }) : authenticateSystem(deps, input)),
    verifyToken: (token) => verifyAxisToken(deps, token),
    verifyOperatorToken: (token) => verifyOperatorToken(deps, token),
    nationalMonthlyReport: (input) => nationalMonthlyReport(deps, { month: input.month ?? vietnamMonthOf(deps.now()) }),
    exportNationalReport: async (input) => exportNationalReport(await nationalMonthlyReport(deps, { month: input.month ?? vietnamMonthOf(deps.now()) }), input.format, deps.now()),
    publicTokenKeys: () => axisJwks(deps.tokenKeys.verify),
    registerAgency: (input) => registerAgency(deps, input),
    listAgencies: (input) => listAgencies(deps, input),
    showAgency: (code) => showAgency(deps, code),
    bindCertificate: (input) => bindCertificate(deps, input),
    revokeCertificate: (input) => revokeCertificate(deps, input),
    replaceCertificate: (input) => replaceCertificate(deps, input),
    setSecret: (input) => setSecret(deps, input),
    registerPersonCertificate: (input) => registerPersonCertificate(deps, input),
    revokePersonCertificate: (input) => revokePersonCertificate(deps, input),
    findCertificateHolder: (sha256) => findCertificateHolder(deps, sha256),
    seedDevelopmentRegistry: (input) => seedDevelopmentRegistry(deps, input),
    submitPackage: (input) => submitPackage(deps, input),
    listDeliveries: (input) => listDeliveries(deps, input),
    downloadPackage: (input) => downloadPackage(deps, input),
    acknowledgeDelivery: (input) => acknowledgeDelivery(deps, input),
    traceOfDocument: (input) => traceOfDocument(deps, input),
    issueTimestamp: (input) => issueTimestamp(deps, input),
    answerOcsp: (input) => answerOcsp(deps, input),
    vdxp: Object.freeze({
      sendEdoc: (input) => vdxpSendEdoc(deps, input),
      getReceivedEdocList: (input) => vdxpListReceived(deps, input),
      getSentEdocList: (input) => vdxpListSent(deps, input),
      getEdoc: (input) => vdxpGetEdoc(deps, input),
      countReceived: (input) => vdxpCountReceived(deps, input),
      updateStatus: (input) => vdxpUpdateStatus(deps, input),
      getAgenciesList: (input) => vdxpListAgencies(deps, input),
      registerAgency: (input) => vdxpRegisterAgency(deps, input),
      deleteAgency: (input) => vdxpDeleteAgency(deps, input),
    }),
    verifyTrace: async () => {
      let checked = 0;
      let prevHash: string | undefined;
      for (let from = 1; ;) {
        const page = await deps.trace.listFrom(from, 1000);
        if (page.length === 0) return { ok: true, checked };
        const r = verifyTraceChain(page, prevHash);
        if (!r.ok) return { ok: false, checked: checked + r.checked, ...(r.brokenAt !== undefined ? { brokenAt: r.brokenAt } : {}) };
        checked += page.length;
        const last = page[page.length - 1]!;
        prevHash = last.hash;
        from = last.seq + 1;
      }
    },
  };
  return Object.freeze(services);
}
