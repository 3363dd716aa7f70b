import { axisOpenApi } from './axis.js';
import { buildOpenApiDocument } from './document.js';
import { nodeOpenApi } from './node.js';
import { vdxpOpenApi } from './vdxp.js';

/**
 * The whole API contract: the document a `serve --role all` answers at /openapi.json (axis, VDXP facade and
 * clerk API). `npm run docs:api` writes it to docs/openapi.json; a test fails when that file differs.
 */
export function contractDocument(version = '0.1.0'): Record<string, unknown> {
  return buildOpenApiDocument([axisOpenApi, vdxpOpenApi, nodeOpenApi], version);
}
