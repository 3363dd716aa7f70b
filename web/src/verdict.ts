import { t, type MessageKey } from './i18n';

export interface Finding {
  kind: 'package' | 'pdf' | 'attachment';
  fieldName?: string;
  /** kind `attachment`: the attachment's name, and the `.p7s` whose detached signature covers it. */
  attachment?: string;
  detachedSignature?: string;
  indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  subIndication?: string;
  signer?: string;
  boundToSender?: boolean;
  signingTime?: string;
  explanation?: string;
  checks: { name: string; passed: boolean; detail?: string }[];
}

export interface Validation {
  verdict: 'accepted' | 'refused';
  reasonCode?: string;
  reason?: string;
  signatureLevel: 'signed' | 'sealed' | 'unsigned';
  verifiedAt?: string;
  signatures?: Finding[];
}

/** The list rows' short form of a refusal (documentSummaryView). */
export interface Refusal {
  reasonCode: string;
  subIndication?: string;
  failedChecks?: string[];
}

/** A list row's verdict as a Validation with one synthetic finding, so both screens say the same thing. */
export function validationOfSummary(s: { verdict: Validation['verdict']; signatureLevel: Validation['signatureLevel']; refusal?: Refusal }): Validation {
  if (!s.refusal) return { verdict: s.verdict, signatureLevel: s.signatureLevel };
  const r = s.refusal;
  const indication = r.subIndication && ['TRY_LATER', 'REVOKED_NO_POE', 'OUT_OF_BOUNDS_NO_POE', 'NO_CERTIFICATE_CHAIN_FOUND'].includes(r.subIndication) ? 'INDETERMINATE' : 'TOTAL_FAILED';
  return {
    verdict: s.verdict,
    signatureLevel: s.signatureLevel,
    reasonCode: r.reasonCode,
    signatures: r.subIndication || r.failedChecks?.length ? [{ kind: 'pdf', indication, ...(r.subIndication ? { subIndication: r.subIndication } : {}), checks: (r.failedChecks ?? []).map((name) => ({ name, passed: false })) }] : [],
  };
}

export type Tone = 'ok' | 'bad' | 'unknown';

const REVOCATION_SUBS = new Set(['TRY_LATER', 'REVOKED_NO_POE', 'OUT_OF_BOUNDS_NO_POE']);
const CHANGED_SUBS = new Set(['HASH_FAILURE', 'DISALLOWED_MODIFICATION']);
const CHANGED_CHECKS = new Set(['message-digest', 'modifications', 'modifications-after-signing', 'removed-signatures', 'trailing-data', 'signed-revision']);

const REASONS: Record<string, { vi: string; en: string }> = {
  SENDER_UNKNOWN: { vi: 'cơ quan gửi không có trong danh bạ trục', en: 'the sender is not in the axis registry' },
  PACKAGE_SIGNATURE_MALFORMED: { vi: 'không đọc được chữ ký gói tin', en: 'the package signature cannot be read' },
  PACKAGE_SIGNATURE_FAILED: { vi: 'chữ ký gói tin không hợp lệ', en: 'the package signature is not valid' },
  PACKAGE_SIGNER_NOT_BOUND: { vi: 'gói tin ký bằng chứng thư không gắn với mã cơ quan gửi', en: "the package was signed with a certificate not bound to the sender's code" },
  PACKAGE_MALFORMED: { vi: 'không đọc được gói tin edXML', en: 'the edXML package cannot be read' },
  SENDER_MISMATCH: { vi: 'gói tin ghi sai cơ quan gửi', en: 'the package names another sender' },
  NOT_ADDRESSED: { vi: 'gói tin không gửi cho cơ quan này', en: 'the package is not addressed to this agency' },
  NO_PDF: { vi: 'gói tin không có tệp PDF', en: 'the package carries no PDF' },
  PDF_MALFORMED: { vi: 'không đọc được tệp PDF', en: 'the PDF cannot be read' },
  PDF_SIGNATURE_FAILED: { vi: 'chữ ký trên PDF không hợp lệ', en: 'a PDF signature is not valid' },
  PDF_DOCUMENT_FAILED: { vi: 'tệp PDF bị thay đổi không được phép', en: 'the PDF was changed in a way not allowed' },
  SEAL_NOT_BOUND: { vi: 'dấu số không thuộc chứng thư gắn với mã cơ quan gửi', en: "the seal is not by a certificate bound to the sender's code" },
};

const SUBS: Record<string, { vi: string; en: string }> = {
  HASH_FAILURE: { vi: 'nội dung đã bị sửa sau khi ký', en: 'the content was changed after signing' },
  SIG_CRYPTO_FAILURE: { vi: 'giá trị chữ ký sai', en: 'the signature value is wrong' },
  REVOKED: { vi: 'chứng thư đã bị thu hồi', en: 'the certificate is revoked' },
  EXPIRED: { vi: 'chứng thư đã hết hạn', en: 'the certificate has expired' },
  NOT_YET_VALID: { vi: 'chứng thư chưa có hiệu lực', en: 'the certificate is not yet valid' },
  FORMAT_FAILURE: { vi: 'sai định dạng chữ ký', en: 'malformed signature' },
  NO_CERTIFICATE_CHAIN_FOUND: { vi: 'không dựng được chuỗi tới CA tin cậy', en: 'no chain to a trusted root' },
  TRY_LATER: { vi: 'thiếu dữ liệu thu hồi (CRL/OCSP)', en: 'revocation data missing (CRL/OCSP)' },
  REVOKED_NO_POE: { vi: 'chứng thư bị thu hồi, không có bằng chứng thời điểm', en: 'revoked, no proof of existence' },
  OUT_OF_BOUNDS_NO_POE: { vi: 'ngoài thời hạn, không có bằng chứng thời điểm', en: 'out of bounds, no proof of existence' },
  CRYPTO_CONSTRAINTS_FAILURE: { vi: 'thuật toán không được chấp nhận (ví dụ SHA-1)', en: 'algorithm not accepted (e.g. SHA-1)' },
  DISALLOWED_MODIFICATION: { vi: 'tài liệu bị sửa sau khi ký', en: 'changed after signing' },
};

const local = (m: { vi: string; en: string } | undefined, lang: string) => (m ? (lang === 'en' ? m.en : m.vi) : undefined);

export const describeSubIndication = (sub: string | undefined, lang: string) => (sub ? (local(SUBS[sub], lang) ?? sub) : undefined);
export const describeReason = (code: string | undefined, lang: string) => (code ? (local(REASONS[code], lang) ?? code) : undefined);

/** The one-line verdict a clerk reads, from the node's verdict and its findings. */
export function verdictOf(v: Validation | undefined, box: 'inbox' | 'outbox'): { tone: Tone; key: MessageKey; text: string } {
  if (box === 'outbox' || !v) return { tone: 'ok', key: 'verdictOwn', text: t('verdictOwn') };
  if (v.verdict === 'accepted') return { tone: 'ok', key: 'verdictOk', text: t('verdictOk') };
  const failing = (v.signatures ?? []).filter((s) => s.indication !== 'TOTAL_PASSED');
  const changed = v.reasonCode === 'PDF_DOCUMENT_FAILED' || failing.some((s) => CHANGED_SUBS.has(s.subIndication ?? '') || s.checks.some((c) => !c.passed && CHANGED_CHECKS.has(c.name)));
  if (changed) return { tone: 'bad', key: 'verdictTampered', text: t('verdictTampered') };
  if (failing.some((s) => s.indication === 'INDETERMINATE' && REVOCATION_SUBS.has(s.subIndication ?? ''))) {
    return { tone: 'unknown', key: 'verdictNoRevocation', text: t('verdictNoRevocation') };
  }
  const why = describeReason(v.reasonCode, document.documentElement.lang);
  return { tone: 'bad', key: 'verdictRefused', text: `${t('verdictRefused')}${why ? `: ${why}` : ''}` };
}

/** "CN=Nguyễn Văn A, O=Văn phòng Chính phủ, …" → { person: "Nguyễn Văn A", org: "Văn phòng Chính phủ" }. */
export function signerOf(subject: string | undefined): { person: string; org?: string } | null {
  if (!subject) return null;
  const parts = new Map<string, string>();
  for (const m of subject.matchAll(/(?:^|[,/]\s*)([A-Za-z.0-9]+)=((?:\\,|[^,/])*)/g)) parts.set(m[1]!.toUpperCase(), m[2]!.replace(/\\,/g, ','));
  const person = parts.get('CN') ?? subject;
  const org = parts.get('O') ?? parts.get('OU');
  return org && org !== person ? { person, org } : { person };
}
