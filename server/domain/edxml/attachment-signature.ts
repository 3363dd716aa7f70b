import { isCryptoError, verifyDetached, type SignatureReport } from '../../../crypto/index.js';
import { DomainError } from '../errors.js';
import { detachedOptions, type VerifyPackageSignatureOptions } from './signature.js';
import type { Attachment } from './types.js';

/**
 * Detached signatures of attachments. edXML carries attachments as opaque content with no signature slot, so
 * a sender that signs a non-PDF file (a .docx, a spreadsheet) ships the signature as one more attachment. The
 * pairing convention lienthong reads (the one of `openssl cms -sign -binary -outform DER -out X.p7s`, RFC 5652
 * detached SignedData, CAdES-B-B per ETSI EN 319 122-1):
 * - an attachment whose name ends in `.p7s` (any case) is the detached CMS signature of the attachment named
 *   exactly the rest of its name (`memo.docx.p7s` signs `memo.docx`);
 * - a signature file that names no attachment, or names one that occurs more than once, or that occurs more
 *   than once itself, is unpaired: the receiver refuses the package (ATTACHMENT_SIGNATURE_UNPAIRED), since a
 *   signature whose file is missing or ambiguous proves nothing and most likely marks a file swapped out;
 * - every other attachment is unsigned: the package signature (the sender's seal) still covers its bytes.
 */
export const DETACHED_SIGNATURE_SUFFIX = '.p7s';

/** What the pairing rule made of one attachment (by its index in the package). */
export type AttachmentRole = { readonly kind: 'file'; readonly signature?: number } | { readonly kind: 'signature'; readonly signs: number } | { readonly kind: 'unpaired-signature'; readonly names: string };

const signedNameOf = (name: string) => (name.length > DETACHED_SIGNATURE_SUFFIX.length && name.toLowerCase().endsWith(DETACHED_SIGNATURE_SUFFIX) ? name.slice(0, -DETACHED_SIGNATURE_SUFFIX.length) : undefined);

/**
 * Pairs every `X.p7s` attachment with the attachment `X` (see {@link DETACHED_SIGNATURE_SUFFIX} for the rule).
 * @returns one role per attachment, in package order.
 */
export function pairDetachedSignatures(attachments: readonly Pick<Attachment, 'AttachmentName'>[]): AttachmentRole[] {
  const count = new Map<string, number>();
  for (const a of attachments) count.set(a.AttachmentName, (count.get(a.AttachmentName) ?? 0) + 1);
  const indexOf = new Map(attachments.map((a, i) => [a.AttachmentName, i] as const));
  const roles: AttachmentRole[] = attachments.map(() => ({ kind: 'file' }));
  attachments.forEach((a, i) => {
    const names = signedNameOf(a.AttachmentName);
    if (names === undefined) return;
    const target = indexOf.get(names);
    if (target === undefined || count.get(names) !== 1 || count.get(a.AttachmentName) !== 1) {
      roles[i] = { kind: 'unpaired-signature', names };
      return;
    }
    roles[i] = { kind: 'signature', signs: target };
  });
  // A file that is itself a signature of another keeps that role; its own `.p7s.p7s` is not followed (one level).
  roles.forEach((r, i) => {
    if (r.kind !== 'signature') return;
    const t = roles[r.signs]!;
    if (t.kind === 'file') roles[r.signs] = { kind: 'file', signature: i };
    else roles[i] = { kind: 'unpaired-signature', names: attachments[r.signs]!.AttachmentName };
  });
  return roles;
}

/**
 * Verifies an attachment's detached CAdES signature over its exact bytes with the package verifier's trust,
 * proof-of-existence and algorithm rules (chain to a trusted root at a proven time: a signature timestamp
 * or the axis's arrival record, never the signer's claim; ETSI EN 319 102-1 §5.5). A bad signature is a
 * report (TOTAL_FAILED/INDETERMINATE), not an exception.
 * @throws DomainError `ERR_SIGNATURE_INVALID` (details.reason `ATTACHMENT_SIGNATURE_MALFORMED`) only when the signature cannot be parsed at all.
 */
export async function verifyAttachmentSignature(content: Uint8Array, signature: Uint8Array, options: Omit<VerifyPackageSignatureOptions, 'xmlVerifier'>): Promise<SignatureReport> {
  if (!(content instanceof Uint8Array) || !(signature instanceof Uint8Array)) throw new TypeError('expected Uint8Array content and signature');
  try {
    return await verifyDetached(signature, { content }, detachedOptions(options));
  } catch (e) {
    if (isCryptoError(e)) throw new DomainError('ERR_SIGNATURE_INVALID', 'attachment signature cannot be parsed', { cause: e, details: { reason: 'ATTACHMENT_SIGNATURE_MALFORMED', crypto: e.code } });
    throw e;
  }
}
