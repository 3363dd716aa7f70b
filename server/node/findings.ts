import type { PdfReport, SignatureReport } from '../../crypto/index.js';
import type { EdxmlWarning } from '../domain/edxml/index.js';
import type { SignatureFinding } from '../domain/ports/node/index.js';
import type { SignerBinding } from './receive/signer-roles.js';

const checksOf = (checks: readonly { name: string; passed: boolean; detail?: string }[]) => checks.map((c) => ({ name: c.name, passed: c.passed, ...(c.detail ? { detail: c.detail } : {}) }));

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

/** One finding per PDF signature (in file order), with who made it when the registry was asked (`bindings[i]`). */
export function pdfFindings(r: PdfReport, bindings?: readonly SignerBinding[]): SignatureFinding[] {
  return r.signatures.map((s, i) => {
    const signer = s.cms?.signer;
    const binding = bindings?.[i];
    const b = binding?.boundToSender;
    return {
      kind: 'pdf' as const,
      fieldName: s.fieldName,
      indication: s.indication,
      ...(s.subIndication ? { subIndication: s.subIndication } : {}),
      ...(signer ? { signer: signer.subject, signerSha256: signer.sha256 } : {}),
      ...(b !== undefined ? { boundToSender: b } : {}),
      ...(binding ? { role: binding.role, ...(binding.holder ? { boundTo: binding.holder } : {}) } : {}),
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

/**
 * The package finding with what the lenient edXML read forgave, one passed check `edxml-warning` per
 * warning, its detail starting with the warning code (e.g. `EDXML_DATE_DAY_FIRST at MessageHeader…: …`).
 */
export function withReadWarnings(f: SignatureFinding, warnings: readonly EdxmlWarning[]): SignatureFinding {
  if (warnings.length === 0) return f;
  return { ...f, checks: [...f.checks, ...warnings.map((w) => ({ name: 'edxml-warning', passed: true, detail: `${w.code} at ${w.path}: ${w.detail}` }))] };
}

/**
 * The finding of one attachment: with its detached CAdES signature's report and registry binding when it
 * carries one (`detachedSignature` names the `.p7s`), else an unsigned one: TOTAL_PASSED only in that the
 * package signature (already verified) covers its bytes, which the `covered-by-package-signature` check names.
 */
export function attachmentFinding(name: string, sha256: string, signed?: { readonly signatureName: string; readonly report: SignatureReport; readonly role: 'person' | 'seal' | undefined }): SignatureFinding {
  if (!signed) {
    return {
      kind: 'attachment',
      attachment: name,
      indication: 'TOTAL_PASSED',
      explanation: 'unsigned: no detached signature; covered by the package signature only',
      checks: [{ name: 'covered-by-package-signature', passed: true, detail: `sha256 ${sha256}` }],
    };
  }
  const r = signed.report;
  return {
    ...packageFinding(r, signed.role !== undefined),
    kind: 'attachment',
    attachment: name,
    detachedSignature: signed.signatureName,
    role: signed.role ?? 'unregistered',
  };
}
