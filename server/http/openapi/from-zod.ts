import { z, type ZodType } from 'zod';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of what a request schema accepts: its input side,
 * so coercions and transforms are described by what the client sends. Refinements have no JSON Schema; a
 * field that needs one for clients carries it as metadata (see agencyCodeField).
 */
export function requestSchema(schema: ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** OpenAPI parameter objects for each field of an object schema (query string or path). */
export function parametersOf(schema: ZodType, where: 'query' | 'path'): JsonSchema[] {
  const s = requestSchema(schema);
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(properties).map(([name, field]) => {
    const { description, ...fieldSchema } = field;
    return {
      name,
      in: where,
      ...(where === 'path' || required.has(name) ? { required: true } : {}),
      ...(typeof description === 'string' ? { description } : {}),
      schema: fieldSchema,
    };
  });
}
