import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { DomainError } from '../../../domain/errors.js';

export interface SendParts {
  readonly packageBytes: Uint8Array;
  /** The detached CMS; empty when the sender sent none. */
  readonly signature: Uint8Array;
  readonly type: string | undefined;
}

/**
 * Reads a `multipart/form-data` send request into memory: file parts `package` and `signature`, text part
 * `type`. Multer's limits stop reading at the package limit; its errors become coded domain errors.
 */
export function readSendParts(maxFileBytes: number) {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxFileBytes, files: 2, fields: 4, fieldSize: 64, parts: 6, headerPairs: 50 },
  }).fields([
    { name: 'package', maxCount: 1 },
    { name: 'signature', maxCount: 1 },
  ]);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!req.is('multipart/form-data')) {
      throw new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send a package as multipart/form-data with parts package, signature and type');
    }
    await new Promise<void>((resolve, reject) => {
      upload(req, res, (err: unknown) => (err ? reject(toDomainError(err)) : resolve()));
    });
    next();
  };
}

function toDomainError(err: unknown): DomainError {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new DomainError('ERR_PAYLOAD_TOO_LARGE', 'a part is larger than the package limit', { details: { field: err.field ?? '' } });
    return new DomainError('ERR_VALIDATION', `multipart body refused: ${err.code}`, { details: { reason: err.code, field: err.field ?? '' } });
  }
  return new DomainError('ERR_VALIDATION', 'malformed multipart body', { cause: err });
}

/** The parts read by {@link readSendParts}. */
export function sendPartsOf(req: Request): SendParts {
  const files = (req.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
  const pkg = files.package?.[0];
  const sig = files.signature?.[0];
  const missing = pkg ? [] : ['package'];
  if (missing.length > 0) {
    throw new DomainError('ERR_VALIDATION', `missing part(s): ${missing.join(', ')}`, { details: { issues: missing.map((m) => ({ path: `body.${m}`, message: 'required file part' })) } });
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    packageBytes: new Uint8Array(pkg!.buffer.buffer, pkg!.buffer.byteOffset, pkg!.buffer.byteLength),
    // Optional: a package from a VDXP-style sender carries only its enveloped XML signature.
    signature: sig ? new Uint8Array(sig.buffer.buffer, sig.buffer.byteOffset, sig.buffer.byteLength) : new Uint8Array(0),
    type: typeof body.type === 'string' ? body.type : undefined,
  };
}
