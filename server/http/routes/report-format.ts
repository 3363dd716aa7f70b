import type { Request } from 'express';

/** The report format the Accept header asks for among `formats` (JSON when it names none of them). */
export function acceptedFormat<F extends string>(req: Request, formats: readonly F[], mediaTypeOf: (format: F) => string): F | 'json' {
  const types = formats.map((f) => mediaTypeOf(f).split(';')[0]!);
  const best = req.accepts(types);
  return (best ? formats[types.indexOf(best)] : undefined) ?? 'json';
}
