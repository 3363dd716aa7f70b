import type { AgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import { detectPackageKind, readEdocPackage, readStatusPackage, type EdxmlWarningCode, type PackageKind } from '../domain/edxml/index.js';
import type { StatusCode } from '../domain/status/index.js';

/** What the axis reads from a package before accepting it. */
export type PackageFacts =
  | {
      readonly type: 'edoc';
      readonly from: AgencyCode;
      readonly to: readonly AgencyCode[];
      /** Derived from From, PromulgationDate and Code when the sender's was a UUID or inconsistent (see warnings). */
      readonly documentId: string;
      /** What the lenient read forgave (readEdocPackage), in document order. */
      readonly warnings: readonly EdxmlWarningCode[];
    }
  | {
      readonly type: 'status';
      readonly from: AgencyCode;
      readonly statusCode: StatusCode;
      /** The document reported on: its sender and edXML DocumentId. */
      readonly responseFor: { readonly organId: AgencyCode; readonly documentId: string };
      /** What the lenient read forgave (readStatusPackage), in document order. */
      readonly warnings: readonly EdxmlWarningCode[];
    };

/**
 * Parses untrusted package bytes with the domain's safe parser (no DTD/entities, size/depth limits) and
 * checks the declared `type` against the package. Throws the parser's coded errors on malformed input.
 */
export function inspectPackage(bytes: Uint8Array, declared: PackageKind, maxBytes: number): PackageFacts {
  const limits = { maxBytes };
  const kind = detectPackageKind(bytes, limits);
  if (kind !== declared) {
    throw new DomainError('ERR_VALIDATION', `type is '${declared}' but the package is an ${kind === 'edoc' ? 'edXML document' : 'edXML status'} package`, {
      details: { field: 'type', declared, actual: kind },
    });
  }
  if (kind === 'edoc') {
    const { package: pkg, warnings } = readEdocPackage(bytes, limits);
    const to = [...new Set(pkg.MessageHeader.To.map((o) => o.OrganId))];
    return { type: 'edoc', from: pkg.MessageHeader.From.OrganId, to, documentId: pkg.MessageHeader.DocumentId, warnings: warnings.map((w) => w.code) };
  }
  const { package: st, warnings } = readStatusPackage(bytes, limits);
  return {
    type: 'status',
    from: st.From.OrganId,
    statusCode: st.StatusCode,
    responseFor: { organId: st.ResponseFor.OrganId, documentId: st.ResponseFor.DocumentId },
    warnings: warnings.map((w) => w.code),
  };
}
