import type { ZodType } from 'zod';
import { DomainError } from '../domain/errors.js';

/**
 * Parses untrusted input with a zod schema. On failure throws ERR_VALIDATION with every issue and its path,
 * e.g. `{ issues: [{ path: 'body.to.0', message: 'invalid agency code' }] }`.
 */
export function parseWith<T>(schema: ZodType<T>, value: unknown, where: 'body' | 'query' | 'params' | 'metadata'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  const first = issues[0];
  throw new DomainError('ERR_VALIDATION', first ? `${first.path}: ${first.message}` : `invalid ${where}`, { details: { issues } });
}
