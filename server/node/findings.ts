import type { PdfReport, SignatureReport } from '../../crypto/index.js';
import type { SignatureFinding } from '../domain/ports/node/index.js';

const checksOf = (checks: readonly { name: string; passed: boolean; detail?: string }[]) =>
  checks.map((c) => ({ name: c.name, passed: c.passed, ...(c.detail ? { detail: c.detail } : {}) }));

/** A JSON-safe summary of the package signature's report, with the registry binding result. */
export function packageFinding(r: SignatureReport, boundToSender: boolean | undefined): SignatureFinding {
  return {
    kind: 'package',
    indication: r.indication,
    ...(r.subIndication ? { subIndication: r.subIndication } : {}),
    ...(r.signer ? { signer: r.signer.subject, signerSha256: r.signer.sha256 } : {}),
    ...(boundToSender !== undefined ? { boundToSender } : {}),
    ...(r.claimedSigningTime ? { signingTime: r.claimedSigningTime } : {}),
    validationTime: r.validationTime,
    poe: r.poe,
    ...(r.reason ? { explanation: r.reason } : {}),
    checks: checksOf(r.checks),
  };
}

/** One finding per PDF signature (in file order); `bound(cms)` tells whether a signature's signer is bound to the sender. */
export function pdfFindings(r: PdfReport, bound: (cms: SignatureReport) => boolean | undefined): SignatureFinding[] {
  return r.signatures.map((s) => {
    const signer = s.cms?.signer;
    const b = signer && s.cms ? bound(s.cms) : undefined;
    return {
      kind: 'pdf' as const,
      fieldName: s.fieldName,
      indication: s.indication,
      ...(s.subIndication ? { subIndication: s.subIndication } : {}),
      ...(signer ? { signer: signer.subject, signerSha256: signer.sha256 } : {}),
      ...(b !== undefined ? { boundToSender: b } : {}),
      ...(s.signingTime ? { signingTime: s.signingTime } : {}),
      ...(s.level ? { level: s.level } : {}),
      ...(s.cms ? { validationTime: s.cms.validationTime, poe: s.cms.poe } : {}),
      ...(s.explanation ? { explanation: s.explanation } : {}),
      checks: [
        ...checksOf(s.checks),
        { name: 'modifications-after-signing', passed: s.modifications.level !== 'DISALLOWED', detail: `${s.modifications.level}${s.modifications.changes.length ? `: ${s.modifications.changes.map((c) => c.what).join('; ')}` : ''}` },
      ],
    };
  });
}
