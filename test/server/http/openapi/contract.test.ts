import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CRYPTO_ERROR_CODES, DOMAIN_ERROR_CODES, errorCodeTable, toProblem } from '../../../../server/http/error-mapper.js';
import { contractDocument } from '../../../../server/http/openapi/contract.js';
import { errorCodesPage } from '../../../../server/http/openapi/error-codes-page.js';
import { CryptoError, type CryptoErrorCode } from '../../../../crypto/index.js';
import { DomainError, type DomainErrorCode } from '../../../../server/domain/errors.js';

const root = new URL('../../../../../', import.meta.url);
const committed = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('API contract (docs/openapi.json, docs/error-codes.md)', () => {
  it('when the code changes a route, a schema or an error code, then the committed docs are regenerated (npm run docs:api)', () => {
    expect(JSON.parse(committed('docs/openapi.json')), 'docs/openapi.json is stale: run `npm run docs:api`').to.deep.equal(contractDocument());
    expect(committed('docs/error-codes.md'), 'docs/error-codes.md is stale: run `npm run docs:api`').to.equal(errorCodesPage());
  });

  it('when an error is mapped, then its status is the one the table (and so the document) gives', () => {
    for (const [code, row] of Object.entries(DOMAIN_ERROR_CODES)) expect(toProblem(new DomainError(code as DomainErrorCode, 'x')).problem.status, code).to.equal(row.status);
    for (const [code, row] of Object.entries(CRYPTO_ERROR_CODES)) expect(toProblem(new CryptoError(code as CryptoErrorCode, 'x')).problem.status, code).to.equal(row.status);
    expect(toProblem(new Error('boom')).problem).to.include({ status: 500, code: 'ERR_INTERNAL' });
  });

  it('when a client reads Problem.code, then it lists every code of the table with its status', () => {
    const problem = (contractDocument().components as { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> }).schemas.Problem!;
    const codes = errorCodeTable().map((r) => r.code);
    expect(problem.properties.code!.enum).to.deep.equal(codes);
    expect(new Set(codes).size).to.equal(codes.length);
    expect(Object.keys(problem.properties.code!['x-enumDescriptions'] as object)).to.deep.equal(codes);
  });

  it('when a request body is described, then it is the schema the router parses with (strict objects stay closed)', () => {
    const schemas = (contractDocument().components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    for (const name of ['NodeLoginRequest', 'NodeDocumentMetadata', 'NodeStatusRequest', 'NodeRecallRequest', 'AxisTokenRequest', 'AxisAckRequest', 'AxisCertificateRequest']) {
      expect(schemas[name], name).to.include({ type: 'object', additionalProperties: false });
    }
  });
});
