import { z } from 'zod';
import { MAX_PAGE_SIZE, NATIONAL_REPORT_FORMATS } from '../../../axis/index.js';

/**
 * The request schemas of the axis API under /axis/v1: the router parses with them, and the OpenAPI document
 * (server/http/openapi/axis.ts) is generated from them, so the two cannot drift. Agency codes are only
 * bounded here; the use cases parse them (ERR_AGENCY_CODE_INVALID).
 */
const page = z.coerce.number().int().min(1).max(1_000_000).default(1);
const pageSize = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20);
const agencyCode = z.string().min(1).max(35).describe('Agency identification code (QCVN 102:2016), e.g. 000.00.00.G22.');
const sha256 = z.string().min(1).max(128).describe('hex SHA-256 of the certificate (DER)');

export const TokenBody = z
  .object({
    systemId: z.string().min(1).max(64).describe('the agency code of the connected system, or `operator` for the axis operator (its token opens only the operator routes)'),
    secret: z.string().min(1).max(512).meta({ writeOnly: true }),
  })
  .strict();
export const ListQuery = z.object({ status: z.enum(['pending', 'done', 'fail']).default('pending'), type: z.enum(['edoc', 'status']).optional().describe('omitted: both'), page, pageSize }).strict();
export const DocIdParams = z.object({ docId: z.uuid().describe('The axis document id (UUID) answered by POST /edocs.') });
export const AckBody = z.object({ status: z.enum(['done', 'fail']), reason: z.string().max(1000).optional() }).strict();
/** The `type` text part of `POST /edocs`. */
export const SendType = z.object({ type: z.enum(['edoc', 'status']) });
export const AgencyListQuery = z.object({ parentCode: agencyCode.optional(), page, pageSize }).strict();
export const CodeParams = z.object({ code: agencyCode });
export const NationalReportQuery = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
      .optional()
      .describe('default: the current month, Vietnam time'),
    format: z.enum(NATIONAL_REPORT_FORMATS).optional().describe('else the Accept header, else JSON'),
  })
  .strict();
export const CertificateBody = z
  .object({
    certificate: z.string().min(1).max(64_000).describe('PEM, or base64 DER, of one end-entity certificate'),
    role: z.string().max(16).optional().describe('`person` (the default): agencies register person certificates only; seals are bound by the axis operator'),
  })
  .strict();
export const CodeCertParams = z.object({ code: agencyCode, sha256 });
export const ShaParams = z.object({ sha256 });
