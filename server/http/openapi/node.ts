import { AGENCY_CODE_MAX_LENGTH, AGENCY_CODE_PATTERN } from '../../domain/agency/index.js';
import { DocumentMetadataSchema } from '../../node/metadata.js';
import { AttachmentParams, DisabledBody, IdempotencyKeyHeader, IdParams, ListQuery, LoginBody, NewUserBody, RecallBody, ReportQuery, StatusBody } from '../routes/node/requests.js';
import type { OpenApiFragment } from './document.js';
import { parametersOf, requestSchema } from './from-zod.js';

/**
 * The clerk API of an agency node under `/api/v1` (issue 5 §1). Every route but `POST /auth/login` needs
 * `Authorization: Bearer <accessToken>`; a token acts for one user of one agency, and every document route
 * sees only that agency's documents (another agency's document answers 404). Errors are
 * `application/problem+json` with a stable `code`. Request bodies and parameters are generated from the zod
 * schemas the router parses with (server/http/routes/node/requests.ts); answers are described here.
 */
const problem = { $ref: '#/components/responses/Problem' } as const;
const secured = [{ bearer: [] as string[] }];
const json = (schema: unknown) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const idParams = parametersOf(IdParams, 'path');
const code = { type: 'string', maxLength: AGENCY_CODE_MAX_LENGTH, pattern: AGENCY_CODE_PATTERN } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const statusCode = { enum: ['01', '02', '03', '04', '05', '06', '13', '15', '16'] } as const;

const schemas = {
  NodeLoginRequest: requestSchema(LoginBody),
  NodeLoginResult: {
    type: 'object',
    required: ['accessToken', 'tokenType', 'expiresIn', 'agencyCode', 'username', 'roles'],
    properties: {
      accessToken: { type: 'string' },
      tokenType: { const: 'Bearer' },
      expiresIn: { type: 'integer' },
      agencyCode: code,
      username: { type: 'string' },
      fullName: { type: 'string' },
      roles: { type: 'array', items: { enum: ['clerk', 'leader', 'admin', 'auditor'] } },
    },
  },
  NodeDocumentMetadata: requestSchema(DocumentMetadataSchema),
  NodeSendRequest: {
    type: 'object',
    required: ['file', 'metadata'],
    properties: { file: { type: 'string', contentMediaType: 'application/pdf' }, metadata: { type: 'string', contentMediaType: 'application/json', contentSchema: ref('NodeDocumentMetadata'), description: 'NodeDocumentMetadata as JSON text' } },
  },
  NodeSendResult: {
    type: 'object',
    required: ['id', 'documentId', 'replayed'],
    properties: { id: { type: 'string' }, documentId: { type: 'string', description: 'edXML DocumentId' }, replayed: { type: 'boolean', description: 'true when the Idempotency-Key was seen: nothing new was made' } },
  },
  NodeDocumentSummary: {
    type: 'object',
    required: ['id', 'box', 'documentId', 'from', 'to', 'subject', 'verdict', 'recalled', 'recipients', 'createdAt'],
    properties: {
      id: { type: 'string' },
      box: { enum: ['inbox', 'outbox'] },
      documentId: { type: 'string' },
      from: code,
      fromName: { type: 'string' },
      to: { type: 'array', items: code },
      subject: { type: 'string' },
      codeNumber: { type: 'string' },
      codeNotation: { type: 'string' },
      promulgationDate: date,
      priority: { type: 'integer' },
      paper: { type: 'boolean' },
      verdict: { enum: ['accepted', 'refused'] },
      signatureLevel: { enum: ['signed', 'sealed', 'unsigned'] },
      recalled: { type: 'boolean' },
      refusal: {
        type: 'object',
        required: ['reasonCode'],
        description: "inbox, refused: the reason code and the first failing signature's sub-indication and failed checks",
        properties: { reasonCode: { type: 'string' }, subIndication: { type: 'string' }, failedChecks: { type: 'array', items: { type: 'string' } } },
      },
      recipients: { type: 'array', items: { type: 'object', properties: { code, name: { type: 'string' }, phase: { type: 'string' }, recall: { type: 'string' }, lastStatus: { oneOf: [statusCode, { type: 'null' }] } } } },
      delivery: { enum: ['pending', 'sent', 'failed'] },
      sealing: { enum: ['awaiting-timestamp'], description: 'the agency seal waits for the TSA (the document is queued, not yet sent)' },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  NodeSignatureFinding: {
    type: 'object',
    required: ['kind', 'indication', 'checks'],
    properties: {
      kind: { enum: ['package', 'pdf', 'attachment'], description: '`attachment`: one per non-PDF attachment and per attachment with a detached signature (`<name>.p7s`)' },
      fieldName: { type: 'string' },
      attachment: { type: 'string', description: 'attachment findings: the attachment name' },
      detachedSignature: { type: 'string', description: 'attachment findings: the `.p7s` attachment holding its detached CAdES signature; absent when unsigned (covered by the package signature only)' },
      role: { enum: ['person', 'seal', 'foreign', 'unregistered'], description: 'who made the signature by the axis registry' },
      boundTo: { type: 'string' },
      indication: { enum: ['TOTAL_PASSED', 'TOTAL_FAILED', 'INDETERMINATE'], description: 'ETSI EN 319 102-1' },
      subIndication: { type: 'string' },
      signer: { type: 'string' },
      signerSha256: { type: 'string' },
      boundToSender: { type: 'boolean', description: 'the signer certificate is bound to the sender code in the axis registry' },
      signingTime: { type: 'string' },
      explanation: { type: 'string' },
      level: { enum: ['B-B', 'B-T', 'B-LT'], description: 'PDF signatures: the PAdES baseline level reached (ETSI EN 319 142-1 §6)' },
      validationTime: { type: 'string', description: 'the time the chain was validated at (ETSI EN 319 102-1 §5.5)' },
      poe: { enum: ['timestamp', 'axis-arrival', 'none', 'caller'], description: 'where validationTime came from' },
      checks: { type: 'array', items: { type: 'object', required: ['name', 'passed'], properties: { name: { type: 'string' }, passed: { type: 'boolean' }, detail: { type: 'string' } } } },
    },
  },
  NodeDocumentDetail: {
    allOf: [
      ref('NodeDocumentSummary'),
      {
        type: 'object',
        required: ['metadata', 'file', 'recipients', 'validation', 'messages'],
        properties: {
          metadata: { type: 'object' },
          file: { type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' }, available: { type: 'boolean' } } },
          attachments: {
            type: 'array',
            description: 'inbox: every attachment of the package other than the main PDF (`file`), in package order; download one at /documents/{id}/attachments/{index}',
            items: {
              type: 'object',
              required: ['index', 'name', 'contentType', 'size', 'sha256', 'role', 'available'],
              properties: {
                index: { type: 'integer' },
                name: { type: 'string' },
                contentType: { type: 'string', description: 'as the package declares it' },
                size: { type: 'integer' },
                sha256: { type: 'string' },
                role: { enum: ['attachment', 'signature'], description: '`signature`: the detached CAdES signature of the attachment named in `signs`' },
                signs: { type: 'string' },
                signedBy: { type: 'string', description: 'the `.p7s` attachment whose verified detached signature covers this one' },
                available: { type: 'boolean' },
              },
            },
          },
          axisDocId: { type: 'string' },
          supersededBy: {
            type: 'object',
            description: 'a later update (BussinessDocType 2) or replacement (3) from the same sender',
            properties: { documentId: { type: 'string' }, kind: { enum: ['update', 'replace'] }, at: { type: 'string', format: 'date-time' } },
          },
          recipients: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                code,
                name: { type: 'string' },
                phase: { type: 'string' },
                recall: { type: 'string' },
                delivery: { type: 'object', properties: { state: { type: 'string' }, axisDocId: { type: 'string' } } },
                timeline: { type: 'array', items: { type: 'object', required: ['code', 'from', 'at'], properties: { code: statusCode, from: code, at: { type: 'string', format: 'date-time' }, description: { type: 'string' } } } },
              },
            },
          },
          validation: {
            type: 'object',
            required: ['verdict', 'signatureLevel', 'signatures'],
            properties: {
              verdict: { enum: ['accepted', 'refused'] },
              reasonCode: { type: 'string' },
              reason: { type: 'string' },
              signatureLevel: { type: 'string' },
              padesLevel: { enum: ['B-B', 'B-T', 'B-LT'], description: 'the PAdES level of the last signature (the agency seal)' },
              verifiedAt: { type: 'string' },
              signatures: { type: 'array', items: ref('NodeSignatureFinding') },
            },
          },
          messages: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                kind: { enum: ['edoc', 'status'] },
                statusCode: statusCode,
                state: { enum: ['pending', 'sent', 'failed'] },
                attempts: { type: 'integer' },
                nextAttemptAt: { type: 'string' },
                lastError: { type: 'string' },
                axisDocId: { type: 'string' },
                sentAt: { type: 'string' },
              },
            },
          },
        },
      },
    ],
  },
  NodeDocumentList: {
    type: 'object',
    required: ['items', 'total', 'page'],
    properties: { items: { type: 'array', items: ref('NodeDocumentSummary') }, total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' } },
  },
  NodeStatusRequest: requestSchema(StatusBody),
  NodeRecallRequest: requestSchema(RecallBody),
  NodeMonthlyReport: {
    type: 'object',
    properties: {
      agencyCode: code,
      month: { type: 'string' },
      outgoing: { type: 'integer' },
      signed: { type: 'integer' },
      fullyElectronic: { type: 'integer' },
      unsigned: { type: 'integer' },
      inbound: { type: 'integer' },
      inboundVerified: { type: 'integer' },
      inboundRefused: { type: 'integer' },
      recalled: { type: 'integer' },
      registered: { type: 'integer', description: 'outgoing less recalled: the denominator of the outgoing ratios' },
      ratios: { $ref: '#/components/schemas/NodeReportRatios' },
      rollup: {
        type: 'object',
        description: 'the same figures over the agency and every hosted agency below it in the code hierarchy',
        properties: { agencies: { type: 'array', items: code }, registered: { type: 'integer' }, ratios: { $ref: '#/components/schemas/NodeReportRatios' } },
      },
    },
  },
  NodeUser: {
    type: 'object',
    required: ['id', 'username', 'fullName', 'roles', 'disabled', 'createdAt'],
    properties: {
      id: { type: 'string' },
      username: { type: 'string' },
      fullName: { type: 'string' },
      roles: { type: 'array', items: { enum: ['clerk', 'leader', 'admin', 'auditor'] } },
      disabled: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      lockedUntil: { type: 'string', format: 'date-time', description: 'set while the account is locked out after failed logins' },
    },
  },
  NodeUserWithPassword: {
    type: 'object',
    required: ['user', 'temporaryPassword'],
    properties: { user: ref('NodeUser'), temporaryPassword: { type: 'string', description: 'random, shown once; only its scrypt hash is stored' } },
  },
  NodeReportRatios: {
    type: 'object',
    properties: { signed: { type: ['number', 'null'] }, fullyElectronic: { type: ['number', 'null'] }, verifiedInbound: { type: ['number', 'null'] } },
  },
};

const detail = { '200': { description: 'the document', content: json(ref('NodeDocumentDetail')) } };

export const nodeOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/auth/login': {
      post: {
        tags: ['node'],
        summary: 'Log in a user of a hosted agency',
        operationId: 'nodeLogin',
        security: [],
        description:
          'Failed logins are throttled per account and per address: after a few, 429 ERR_TOO_MANY_REQUESTS with Retry-After (seconds), each further failure doubling the wait up to a lockout. The token is checked against the user store on every request (a disabled user loses access at once).',
        requestBody: { required: true, content: json(ref('NodeLoginRequest')) },
        responses: { '200': { description: 'token', content: json(ref('NodeLoginResult')) }, '400': problem, '401': problem, '429': problem },
      },
    },
    '/api/v1/documents': {
      post: {
        tags: ['node'],
        summary: 'Send a document: check the person signature, add the agency seal, build and sign the edXML package, queue it',
        operationId: 'nodeSendDocument',
        security: secured,
        parameters: [{ name: 'Idempotency-Key', in: 'header', schema: requestSchema(IdempotencyKeyHeader), description: 'the same key with the same request answers the first result; with another request ERR_IDEMPOTENCY_MISMATCH' }],
        requestBody: { required: true, content: { 'multipart/form-data': { schema: ref('NodeSendRequest'), encoding: { file: { contentType: 'application/pdf' }, metadata: { contentType: 'application/json' } } } } },
        responses: { '202': { description: 'accepted and queued', content: json(ref('NodeSendResult')) }, '400': problem, '401': problem, '403': problem, '409': problem, '413': problem, '415': problem, '422': problem, '503': problem },
      },
      get: {
        tags: ['node'],
        summary: "The agency's documents, newest first",
        operationId: 'nodeListDocuments',
        security: secured,
        parameters: parametersOf(ListQuery, 'query'),
        responses: { '200': { description: 'a page', content: json(ref('NodeDocumentList')) }, '400': problem, '401': problem, '403': problem },
      },
    },
    '/api/v1/documents/{id}': {
      get: { tags: ['node'], summary: 'A document with its recipients, status timelines and validation reports', operationId: 'nodeShowDocument', security: secured, parameters: idParams, responses: { ...detail, '401': problem, '404': problem } },
    },
    '/api/v1/documents/{id}/file': {
      get: {
        tags: ['node'],
        summary: 'The signed PDF',
        operationId: 'nodeDocumentFile',
        security: secured,
        parameters: idParams,
        responses: { '200': { description: 'PDF', content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } } }, '401': problem, '404': problem },
      },
    },
    '/api/v1/documents/{id}/attachments/{index}': {
      get: {
        tags: ['node'],
        summary: 'One attachment of a received document, as bytes to save (application/octet-stream; its declared type is in the detail view)',
        operationId: 'nodeDocumentAttachment',
        security: secured,
        parameters: parametersOf(AttachmentParams, 'path'),
        responses: { '200': { description: 'the attachment', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } }, '400': problem, '401': problem, '404': problem },
      },
    },
    '/api/v1/documents/{id}/status': {
      post: {
        tags: ['node'],
        summary: 'Receiver: 03 accepted, 04 assigned, 05 processing, 06 completed, 02 refused; 15/16 answer a recall',
        operationId: 'nodeChangeStatus',
        security: secured,
        parameters: idParams,
        requestBody: { required: true, content: json(ref('NodeStatusRequest')) },
        responses: { ...detail, '400': problem, '401': problem, '403': problem, '404': problem, '409': problem },
      },
    },
    '/api/v1/documents/{id}/recall': {
      post: {
        tags: ['node'],
        summary: 'Sender: recall the document (status 13)',
        operationId: 'nodeRecallDocument',
        security: secured,
        parameters: idParams,
        requestBody: { required: true, content: json(ref('NodeRecallRequest')) },
        responses: { ...detail, '400': problem, '401': problem, '403': problem, '404': problem, '409': problem },
      },
    },
    '/api/v1/documents/{id}/retry': {
      post: {
        tags: ['node'],
        summary: 'Put the failed messages of a document back in the outbox',
        operationId: 'nodeRetryDocument',
        security: secured,
        parameters: idParams,
        responses: { ...detail, '401': problem, '403': problem, '404': problem, '409': problem },
      },
    },
    '/api/v1/agencies': {
      get: {
        tags: ['node'],
        summary: 'The axis registry (code, name, parent code of every agency), cached by the node for five minutes: the recipients a document may go to',
        operationId: 'nodeListRegistry',
        security: secured,
        responses: {
          '200': {
            description: 'every agency, in code order',
            content: json({
              type: 'object',
              required: ['items', 'total'],
              properties: { total: { type: 'integer' }, items: { type: 'array', items: { type: 'object', required: ['code', 'name', 'parentCode'], properties: { code, name: { type: 'string' }, parentCode: { oneOf: [code, { type: 'null' }] } } } } },
            }),
          },
          '401': problem,
          '403': problem,
          '503': problem,
        },
      },
    },
    '/api/v1/users': {
      get: {
        tags: ['node'],
        summary: "Admin: the users of the caller's agency (never a password hash)",
        operationId: 'nodeListUsers',
        security: secured,
        responses: {
          '200': { description: 'by username', content: json({ type: 'object', required: ['items', 'total'], properties: { total: { type: 'integer' }, items: { type: 'array', items: ref('NodeUser') } } }) },
          '401': problem,
          '403': problem,
        },
      },
      post: {
        tags: ['node'],
        summary: "Admin: add a user to the caller's agency with a random one-time password (answered once)",
        operationId: 'nodeAddUser',
        security: secured,
        requestBody: { required: true, content: json(requestSchema(NewUserBody)) },
        responses: { '201': { description: 'added', content: json(ref('NodeUserWithPassword')) }, '400': problem, '401': problem, '403': problem, '409': problem },
      },
    },
    '/api/v1/users/{id}/disabled': {
      post: {
        tags: ['node'],
        summary: 'Admin: disable a user (it cannot log in, its tokens stop at once) or enable it again; not oneself',
        operationId: 'nodeSetUserDisabled',
        security: secured,
        parameters: idParams,
        requestBody: { required: true, content: json(requestSchema(DisabledBody)) },
        responses: { '200': { description: 'the user', content: json(ref('NodeUser')) }, '400': problem, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/v1/users/{id}/password': {
      post: {
        tags: ['node'],
        summary: "Admin: replace a user's password by a random one-time password (answered once) and lift the account's login lockout",
        operationId: 'nodeResetUserPassword',
        security: secured,
        parameters: idParams,
        responses: { '200': { description: 'the new password', content: json(ref('NodeUserWithPassword')) }, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/v1/users/{id}/unlock': {
      post: {
        tags: ['node'],
        summary: "Admin: lift a user's login lockout without changing the password (the account's failed attempts are forgotten, the address's kept)",
        operationId: 'nodeUnlockUser',
        security: secured,
        parameters: idParams,
        responses: { '200': { description: 'the user', content: json(ref('NodeUser')) }, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/v1/agency': {
      get: {
        tags: ['node'],
        summary: "Admin, auditor: the caller's agency in the axis registry with the certificates bound to its code",
        operationId: 'nodeAgencyRegistryEntry',
        security: secured,
        responses: {
          '200': {
            description: 'the registry entry',
            content: json({
              type: 'object',
              required: ['code', 'name', 'parentCode', 'certificates'],
              properties: {
                code,
                name: { type: 'string' },
                parentCode: { oneOf: [code, { type: 'null' }] },
                certificates: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['sha256', 'status', 'notBefore', 'notAfter', 'boundAt'],
                    properties: {
                      sha256: { type: 'string' },
                      status: { enum: ['active', 'revoked'] },
                      notBefore: { type: 'string', format: 'date-time' },
                      notAfter: { type: 'string', format: 'date-time' },
                      boundAt: { type: 'string', format: 'date-time' },
                      revokedAt: { type: 'string', format: 'date-time' },
                    },
                  },
                },
              },
            }),
          },
          '401': problem,
          '403': problem,
          '404': problem,
          '503': problem,
        },
      },
    },
    '/api/v1/reports/monthly': {
      get: {
        tags: ['node'],
        summary: "The monthly report: a row per agency of the caller's subtree (admin, auditor) or the caller's agency (clerk, leader), rolled up the code hierarchy, with the 12-month trend",
        description: "JSON, CSV (UTF-8 with BOM, Vietnamese headers), XLSX (figures + 12-month trend) or an A4 PDF sealed with the reporting agency's key (PAdES). Chosen by `format`, else by the Accept header, else JSON.",
        operationId: 'nodeMonthlyReport',
        security: secured,
        parameters: parametersOf(ReportQuery, 'query'),
        responses: {
          '200': {
            description: 'the report',
            content: {
              ...json(ref('NodeMonthlyReport')),
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
              'application/pdf': { schema: { type: 'string', format: 'binary' } },
            },
          },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
        },
      },
    },
  },
  components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
};
