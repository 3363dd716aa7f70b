import { z } from 'zod';
import { AGENCY_CODE_MAX_LENGTH, AGENCY_CODE_PATTERN, isAgencyCode, type AgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { DocumentMetadata } from '../domain/ports/node/index.js';

/** YYYY-MM-DD, a real calendar date. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');
/**
 * An agency code field, checked by {@link isAgencyCode}; its metadata is the same rule as a pattern, for the
 * JSON Schema of the OpenAPI document (a refinement has none).
 */
export const agencyCodeField = (message = 'not a valid agency code (QCVN 102:2016, e.g. 000.00.00.G22)') =>
  z
    .string()
    .refine((s) => isAgencyCode(s), message)
    .meta({ maxLength: AGENCY_CODE_MAX_LENGTH, pattern: AGENCY_CODE_PATTERN, examples: ['000.00.00.G22'] });
const agencyCode = agencyCodeField();
/** A value edXML carries: no leading/trailing white space (it would not read back equal), no control characters. */
const text = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max)
    .refine((s) => s === s.trim(), 'must not start or end with white space')
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), 'must not contain control characters');

/**
 * The `metadata` part of `POST /api/v1/documents` (issue 5 §1). Unknown keys are refused at every level.
 * `personSignature`: `present` (default: the PDF must carry a valid person signature), `apply` (a leader asks
 * the node to sign as them first), `none` (an unsigned informational document: no seal, counted unsigned).
 */
export const DocumentMetadataSchema = z
  .object({
    to: z
      .array(agencyCode)
      .min(1, 'at least one recipient')
      .max(100)
      .refine((a) => new Set(a).size === a.length, 'recipients must be distinct'),
    subject: text(2000),
    codeNumber: z.string().regex(/^[0-9]{1,10}$/, 'must be digits'),
    codeNotation: z.string().regex(/^[0-9A-ZĐ][0-9A-ZĐ.\-/&]{0,49}$/u, 'upper-case letters, digits, - . / &'),
    promulgationDate: isoDate,
    promulgationPlace: text(200),
    documentType: z.object({ type: z.number().int().min(0).max(999), typeDetail: z.number().int().min(0).max(999).optional(), typeName: text(200) }).strict(),
    signer: z.object({ competence: text(200).optional(), position: text(200).optional(), fullName: text(200) }).strict(),
    priority: z.number().int().min(0).max(4),
    paper: z.boolean().describe('true when a paper copy is also sent (edXML Paper = 1)'),
    copies: z.number().int().min(1).max(9999).optional().describe('number of copies issued (edXML OtherInfo/PromulgationAmount)'),
    dueDate: isoDate.optional(),
    toPlaces: z.array(text(500)).max(100).optional(),
    steeringType: z.number().int().min(0).max(3).optional(),
    responseFor: z
      .array(z.object({ organId: agencyCode, code: text(100), promulgationDate: isoDate, documentId: text(200) }).strict())
      .max(20)
      .optional(),
    personSignature: z
      .enum(['present', 'apply', 'none'])
      .optional()
      .meta({ default: 'present', description: 'present: the PDF already carries a valid person signature; apply: a leader has the node sign as them first; none: an unsigned informational document (no seal, counted unsigned).' }),
    bussiness: z
      .object({ docType: z.enum(['update', 'replace']), targetDocumentId: text(200), reason: text(1000).optional() })
      .strict()
      .optional()
      .describe('Update (BussinessDocType 2) or replace (3) an earlier document.'),
  })
  .strict();

export type DocumentMetadataInput = z.infer<typeof DocumentMetadataSchema>;

/** Parses the metadata JSON text; ERR_VALIDATION with every issue's path (`metadata.to.0`, …). */
export function parseDocumentMetadata(json: unknown): { metadata: DocumentMetadata; to: AgencyCode[]; personSignature: 'present' | 'apply' | 'none' } {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw new DomainError('ERR_VALIDATION', 'metadata is not valid JSON', { details: { issues: [{ path: 'metadata', message: 'not valid JSON' }] } });
    }
  }
  const r = DocumentMetadataSchema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: ['metadata', ...i.path.map(String)].join('.'), message: i.message }));
    throw new DomainError('ERR_VALIDATION', issues[0] ? `${issues[0].path}: ${issues[0].message}` : 'invalid metadata', { details: { issues } });
  }
  const m = r.data;
  const bussinessDocType = m.bussiness ? (m.bussiness.docType === 'update' ? 2 : 3) : 0;
  const metadata: DocumentMetadata = {
    subject: m.subject,
    codeNumber: m.codeNumber,
    codeNotation: m.codeNotation,
    promulgationDate: m.promulgationDate,
    promulgationPlace: m.promulgationPlace,
    documentType: { type: m.documentType.type, typeName: m.documentType.typeName, ...(m.documentType.typeDetail !== undefined ? { typeDetail: m.documentType.typeDetail } : {}) },
    signer: { fullName: m.signer.fullName, ...(m.signer.competence ? { competence: m.signer.competence } : {}), ...(m.signer.position ? { position: m.signer.position } : {}) },
    priority: m.priority as DocumentMetadata['priority'],
    paper: m.paper,
    ...(m.copies !== undefined ? { copies: m.copies } : {}),
    ...(m.dueDate ? { dueDate: m.dueDate } : {}),
    toPlaces: m.toPlaces ?? [],
    ...(m.steeringType !== undefined ? { steeringType: m.steeringType as 0 | 1 | 2 | 3 } : {}),
    responseFor: m.responseFor ?? [],
    bussinessDocType: bussinessDocType as 0 | 2 | 3,
    ...(m.bussiness ? { targetDocumentId: m.bussiness.targetDocumentId, ...(m.bussiness.reason ? { bussinessReason: m.bussiness.reason } : {}) } : {}),
  };
  return { metadata, to: m.to as AgencyCode[], personSignature: m.personSignature ?? 'present' };
}
