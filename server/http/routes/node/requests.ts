import { z } from 'zod';
import { USER_ROLES, type UserRole } from '../../../domain/ports/node/index.js';
import { agencyCodeField } from '../../../node/metadata.js';
import { REPORT_FORMATS } from '../../../node/report/export-report.js';

/**
 * The request schemas of the clerk API under /api/v1: the router parses with them, and the OpenAPI document
 * (server/http/openapi/node.ts) is generated from them, so the two cannot drift.
 */
export const LoginBody = z.object({ agencyCode: z.string().min(1).max(35), username: z.string().min(1).max(100), password: z.string().min(1).max(200).meta({ writeOnly: true }) }).strict();
export const StatusBody = z
  .object({
    code: z
      .string()
      .regex(/^\d{2}$/, 'two digits')
      .describe('02 refused, 03 accepted, 04 assigned, 05 processing, 06 completed; 15/16 answer a recall'),
    description: z.string().max(1000).optional(),
  })
  .strict();
export const RecallBody = z.object({ reason: z.string().trim().min(1, 'a recall needs a reason').max(1000) }).strict();
export const IdParams = z.object({ id: z.string().min(1).max(64) }).strict();
export const AttachmentParams = z
  .object({
    id: z.string().min(1).max(64),
    index: z
      .string()
      .regex(/^\d{1,4}$/, 'an attachment index')
      .transform(Number),
  })
  .strict();
export const ListQuery = z
  .object({
    box: z.enum(['inbox', 'outbox']),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    counterpart: agencyCodeField('not an agency code').optional().describe('sender (inbox) or recipient (outbox)'),
    phase: z.enum(['sent', 'arrived', 'refused', 'accepted', 'assigned', 'processing', 'completed']).optional(),
    recalled: z
      .enum(['true', 'false'])
      .transform((s) => s === 'true')
      .optional(),
  })
  .strict();
export const ReportQuery = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
      .optional(),
    agency: agencyCodeField('not an agency code').optional().describe("an agency code: the caller's own, or for admin and auditor one below it"),
    format: z.enum(REPORT_FORMATS).optional().describe('else the Accept header, else JSON'),
  })
  .strict();
export const NewUserBody = z
  .object({
    username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,49}$/, 'lower-case letters, digits, . _ - (2–50)'),
    fullName: z.string().trim().min(1).max(200),
    roles: z
      .array(z.enum(USER_ROLES as [UserRole, ...UserRole[]]))
      .min(1)
      .max(4),
  })
  .strict();
export const DisabledBody = z.object({ disabled: z.boolean() }).strict();
/** The `Idempotency-Key` header of `POST /documents`. */
export const IdempotencyKeyHeader = z.string().regex(/^[\x21-\x7e]{1,200}$/, '1–200 visible ASCII characters');
