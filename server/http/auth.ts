import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../domain/errors.js';

/**
 * Requires `Authorization: Bearer <token>`; `verify` turns the token into the caller's principal, which
 * handlers read from `res.locals.principal`. Missing or bad tokens are ERR_UNAUTHENTICATED.
 */
export function bearerAuth<P>(verify: (token: string) => Promise<P> | P) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header);
    if (!m?.[1]) throw new DomainError('ERR_UNAUTHENTICATED', 'missing or malformed Authorization: Bearer header');
    res.locals.principal = await verify(m[1]);
    next();
  };
}
