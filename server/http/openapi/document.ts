import { errorCodeTable } from '../error-mapper.js';

/** A role's part of the OpenAPI document: its paths and the components they reference. */
export interface OpenApiFragment {
  readonly paths: Readonly<Record<string, unknown>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, unknown>>; readonly securitySchemes?: Readonly<Record<string, unknown>> };
}

const COMMON: OpenApiFragment = {
  paths: {
    '/healthz': { get: { summary: 'Liveness: the process answers', operationId: 'healthz', security: [], responses: { '200': { description: 'alive' } } } },
    '/readyz': { get: { summary: 'Readiness: the database answers', operationId: 'readyz', security: [], responses: { '200': { description: 'ready' }, '503': { $ref: '#/components/responses/Problem' } } } },
    '/openapi.json': { get: { summary: 'This document', operationId: 'openapi', security: [], responses: { '200': { description: 'OpenAPI 3.1 document' } } } },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (text format 0.0.4); with LIENTHONG_METRICS_TOKEN set, only for its bearer; absent in production without it',
        operationId: 'metrics',
        security: [{}, { bearer: [] }],
        responses: {
          '200': { description: 'metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': { $ref: '#/components/responses/Problem' },
          '404': { $ref: '#/components/responses/Problem' },
        },
      },
    },
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'code'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          code: {
            type: 'string',
            description: 'Stable error code; the HTTP status of each is in `x-enumDescriptions` and docs/error-codes.md',
            enum: errorCodeTable().map((r) => r.code),
            'x-enumDescriptions': Object.fromEntries(errorCodeTable().map((r) => [r.code, `HTTP ${r.status}: ${r.meaning}`])),
          },
          detail: { type: 'string' },
          details: { type: 'object' },
        },
      },
    },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
  },
};

/** Assembles the OpenAPI 3.1 document served at /openapi.json from the mounted roles' fragments. */
export function buildOpenApiDocument(fragments: readonly OpenApiFragment[], version: string): Record<string, unknown> {
  const all = [COMMON, ...fragments];
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const securitySchemes: Record<string, unknown> = {};
  for (const f of all) {
    Object.assign(paths, f.paths);
    Object.assign(schemas, f.components?.schemas ?? {});
    Object.assign(securitySchemes, f.components?.securitySchemes ?? {});
  }
  return {
    openapi: '3.1.0',
    info: { title: 'lienthong', version, description: 'Exchange of signed official documents through the national document axis (mock VDXP).', license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'this service (the axis API is under /axis/v1, the clerk API under /api/v1)' }],
    paths,
    components: {
      schemas,
      securitySchemes,
      responses: { Problem: { description: 'Error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    },
  };
}
