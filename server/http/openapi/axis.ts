import { AGENCY_CODE_MAX_LENGTH, AGENCY_CODE_PATTERN } from '../../domain/agency/index.js';
import { AckBody, AgencyListQuery, CertificateBody, CodeCertParams, CodeParams, DocIdParams, ListQuery, NationalReportQuery, ShaParams, TokenBody } from '../routes/axis/requests.js';
import type { OpenApiFragment } from './document.js';
import { parametersOf, requestSchema } from './from-zod.js';

/**
 * The axis API (mock VDXP) under `/axis/v1`: the wire format agency nodes code against.
 *
 * - Every route but `POST /auth/token` needs `Authorization: Bearer <accessToken>`; the token is scoped to
 *   one agency (its code is the caller).
 * - Sending (`POST /edocs`) is `multipart/form-data` with two file parts, `package` (the `.edxml` bytes)
 *   and `signature` (the detached CMS SignedData over exactly those bytes, DER), and one text part `type`
 *   (`edoc` | `status`). Multipart keeps 40 MiB packages out of the 1 MiB JSON body limit.
 * - Downloading answers JSON with the package and signature in base64.
 * - Errors are `application/problem+json` with a stable `code`.
 * - Request bodies and parameters are generated from the zod schemas the router parses with
 *   (server/http/routes/axis/requests.ts); answers are described here.
 */
const problem = { $ref: '#/components/responses/Problem' } as const;
const secured = [{ bearer: [] as string[] }];
const json = (schema: unknown) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const schemas = {
  AxisAgencyCode: {
    type: 'string',
    maxLength: AGENCY_CODE_MAX_LENGTH,
    pattern: AGENCY_CODE_PATTERN,
    examples: ['000.00.00.G22', '000.00.18.G12'],
  },
  AxisTokenRequest: requestSchema(TokenBody),
  AxisToken: {
    type: 'object',
    required: ['accessToken', 'tokenType', 'expiresIn', 'agencyCode'],
    properties: {
      accessToken: { type: 'string' },
      tokenType: { const: 'Bearer' },
      expiresIn: { type: 'integer', description: 'seconds' },
      agencyCode: { oneOf: [{ $ref: '#/components/schemas/AxisAgencyCode' }, { const: 'operator' }] },
    },
  },
  AxisNationalFigures: {
    type: 'object',
    required: ['packagesSent', 'deliveriesSent', 'received', 'answered01', 'answered02', 'unanswered', 'share01', 'share02'],
    properties: {
      packagesSent: { type: 'integer', description: 'document packages submitted (one per package)' },
      deliveriesSent: { type: 'integer', description: 'deliveries of those packages (package × recipient)' },
      received: { type: 'integer', description: 'document deliveries addressed to the agency' },
      answered01: { type: 'integer', description: 'deliveries sent that the receiver answered 01 (its verification passed)' },
      answered02: { type: 'integer', description: 'deliveries sent that the receiver answered 02 (refused)' },
      unanswered: { type: 'integer' },
      share01: { type: ['number', 'null'], description: 'answered01 / (answered01 + answered02)' },
      share02: { type: ['number', 'null'] },
    },
  },
  AxisNationalReport: {
    type: 'object',
    required: ['month', 'from', 'to', 'totals', 'groups'],
    properties: {
      month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
      totals: { $ref: '#/components/schemas/AxisNationalFigures' },
      groups: {
        type: 'array',
        description: 'one per level-1 code (ministry, province) with traffic, with each agency of its tree',
        items: {
          allOf: [
            { $ref: '#/components/schemas/AxisNationalFigures' },
            {
              type: 'object',
              required: ['code', 'name', 'agencies'],
              properties: {
                code: { $ref: '#/components/schemas/AxisAgencyCode' },
                name: { type: 'string' },
                agencies: {
                  type: 'array',
                  items: { allOf: [{ $ref: '#/components/schemas/AxisNationalFigures' }, { type: 'object', required: ['code', 'name'], properties: { code: { $ref: '#/components/schemas/AxisAgencyCode' }, name: { type: 'string' } } }] },
                },
              },
            },
          ],
        },
      },
    },
  },
  AxisSendRequest: {
    type: 'object',
    required: ['package', 'type'],
    properties: {
      package: { type: 'string', contentMediaType: 'application/xml', description: 'The .edxml package bytes (file part).' },
      signature: {
        type: 'string',
        contentMediaType: 'application/pkcs7-signature',
        description:
          'Optional detached CMS SignedData (DER) over exactly the package bytes, by a certificate bound to the sender (file part). ' +
          'Without it the package must carry its enveloped XML-DSig Signature after edXML:TraceHeaderList (what a real axis moves); with it, both are checked.',
      },
      type: { enum: ['edoc', 'status'], description: 'Must match the package: edXML:MessageHeader → edoc, edXML:Status → status.' },
    },
  },
  AxisSendResult: {
    type: 'object',
    required: ['docId', 'duplicate', 'type', 'recipients', 'sha256'],
    properties: {
      docId: { type: 'string', format: 'uuid' },
      duplicate: { type: 'boolean', description: 'True when this package was already accepted (resend): the same docId is answered.' },
      type: { enum: ['edoc', 'status'] },
      recipients: { type: 'array', items: { $ref: '#/components/schemas/AxisAgencyCode' } },
      sha256: { type: 'string', description: 'hex SHA-256 of the package bytes' },
      warnings: {
        type: 'array',
        items: { type: 'string', pattern: '^EDXML_[A-Z_]+$' },
        description: 'What the axis forgave when reading the package as real senders write it (e.g. EDXML_DATE_DAY_FIRST for a dd/MM/yyyy date), in document order; empty when the package is as QCVN 102:2016 writes it.',
      },
    },
  },
  AxisDeliveryState: { enum: ['pending', 'done', 'fail'] },
  AxisDelivery: {
    type: 'object',
    required: ['docId', 'type', 'from', 'to', 'documentId', 'sha256', 'size', 'state', 'submittedAt'],
    properties: {
      docId: { type: 'string', format: 'uuid' },
      type: { enum: ['edoc', 'status'] },
      from: { $ref: '#/components/schemas/AxisAgencyCode' },
      to: { $ref: '#/components/schemas/AxisAgencyCode', description: 'The caller (this delivery is addressed to it).' },
      documentId: {
        type: 'string',
        description: 'edXML DocumentId of the document (edoc) or of the document the status reports on (status).',
      },
      statusCode: { type: 'string', description: 'Status packages only: 01…06, 13, 15, 16.' },
      sha256: { type: 'string' },
      size: { type: 'integer' },
      state: { $ref: '#/components/schemas/AxisDeliveryState' },
      submittedAt: { type: 'string', format: 'date-time' },
      acknowledgedAt: { type: 'string', format: 'date-time' },
      downloads: { type: 'integer', description: 'How many times the recipient downloaded it (its receive attempts).' },
      lastDownloadedAt: { type: 'string', format: 'date-time' },
      ackReason: { type: 'string', description: 'Why the recipient answered `fail`, when it did.' },
    },
  },
  AxisDeliveryList: {
    type: 'object',
    required: ['items', 'total', 'page', 'pageSize'],
    properties: {
      items: { type: 'array', items: ref('AxisDelivery') },
      total: { type: 'integer' },
      page: { type: 'integer', minimum: 1 },
      pageSize: { type: 'integer', minimum: 1, maximum: 100 },
    },
  },
  AxisDownload: {
    allOf: [
      ref('AxisDelivery'),
      {
        type: 'object',
        required: ['package', 'signature'],
        properties: {
          package: { type: 'string', contentEncoding: 'base64', description: 'The .edxml bytes exactly as sent.' },
          signature: { type: 'string', contentEncoding: 'base64', description: 'The detached CMS signature exactly as sent (DER); empty when none was sent.' },
        },
      },
    ],
  },
  AxisAckRequest: requestSchema(AckBody),
  AxisAckResult: {
    type: 'object',
    required: ['docId', 'state', 'changed'],
    properties: {
      docId: { type: 'string', format: 'uuid' },
      state: { $ref: '#/components/schemas/AxisDeliveryState' },
      changed: { type: 'boolean', description: 'False when the same acknowledgement was already recorded (retry).' },
    },
  },
  AxisCertificate: {
    type: 'object',
    required: ['sha256', 'subject', 'issuer', 'serialNumber', 'role', 'notBefore', 'notAfter', 'status', 'boundAt'],
    properties: {
      sha256: { type: 'string' },
      subject: { type: 'string' },
      issuer: { type: 'string' },
      serialNumber: { type: 'string' },
      role: { enum: ['seal', 'person'], description: "seal: the agency's own signature (also signs its packages); person: a competent person's signing certificate (Decree 30/2020 Art. 5)" },
      notBefore: { type: 'string', format: 'date-time' },
      notAfter: { type: 'string', format: 'date-time' },
      status: { enum: ['active', 'revoked'] },
      boundAt: { type: 'string', format: 'date-time' },
      revokedAt: { type: 'string', format: 'date-time' },
    },
  },
  AxisAgency: {
    type: 'object',
    required: ['code', 'name', 'parentCode', 'certificates'],
    properties: {
      code: { $ref: '#/components/schemas/AxisAgencyCode' },
      name: { type: 'string' },
      parentCode: { oneOf: [{ $ref: '#/components/schemas/AxisAgencyCode' }, { type: 'null' }] },
      certificates: { type: 'array', items: ref('AxisCertificate') },
    },
  },
  AxisCertificateRequest: requestSchema(CertificateBody),
  AxisCertificateHolder: {
    type: 'object',
    required: ['code', 'name', 'sha256', 'role', 'status', 'boundAt'],
    properties: {
      code: { $ref: '#/components/schemas/AxisAgencyCode' },
      name: { type: 'string' },
      sha256: { type: 'string' },
      role: { enum: ['seal', 'person'] },
      status: { enum: ['active', 'revoked'] },
      boundAt: { type: 'string', format: 'date-time' },
      revokedAt: { type: 'string', format: 'date-time' },
    },
  },
  AxisAgencyDetail: {
    allOf: [
      ref('AxisAgency'),
      {
        type: 'object',
        required: ['children'],
        properties: {
          children: {
            type: 'array',
            items: { type: 'object', required: ['code', 'name'], properties: { code: { $ref: '#/components/schemas/AxisAgencyCode' }, name: { type: 'string' } } },
          },
        },
      },
    ],
  },
  AxisAgencyList: {
    type: 'object',
    required: ['items', 'total', 'page', 'pageSize'],
    properties: {
      items: { type: 'array', items: ref('AxisAgency') },
      total: { type: 'integer' },
      page: { type: 'integer' },
      pageSize: { type: 'integer' },
    },
  },
  AxisTraceEntry: {
    type: 'object',
    required: ['seq', 'eventKey', 'at', 'event', 'actor', 'docId', 'details', 'prevHash', 'hash'],
    properties: {
      seq: { type: 'integer' },
      eventKey: { type: 'string', description: 'unique per logical event, e.g. queued:{docId}:{recipient}' },
      at: { type: 'string', format: 'date-time' },
      event: { enum: ['submitted', 'queued', 'downloaded', 'acknowledged'] },
      actor: { $ref: '#/components/schemas/AxisAgencyCode' },
      docId: { type: 'string', format: 'uuid' },
      recipient: { $ref: '#/components/schemas/AxisAgencyCode' },
      details: { type: 'object' },
      prevHash: { type: 'string', description: 'hex SHA-256 of the previous entry (64 zeros for the first)' },
      hash: { type: 'string', description: 'hex SHA-256 of this entry (canonical JSON of every other field)' },
    },
  },
};

export const axisOpenApi: OpenApiFragment = {
  paths: {
    '/axis/v1/auth/token': {
      post: {
        tags: ['axis'],
        summary: 'Authenticate a connected system (agency code + secret) and get a bearer token scoped to that agency',
        operationId: 'axisIssueToken',
        security: [],
        description:
          'The token is a JWT signed ES256 by the axis (its public keys: GET /axis/v1/jwks). Failed requests are throttled per system and per address: 429 ERR_TOO_MANY_REQUESTS with Retry-After. Setting a new secret ends the tokens issued for the old one.',
        requestBody: { required: true, content: json(ref('AxisTokenRequest')) },
        responses: { '200': { description: 'token', content: json(ref('AxisToken')) }, '400': problem, '401': problem, '429': problem },
      },
    },
    '/axis/v1/jwks': {
      get: {
        tags: ['axis'],
        summary: "The axis's public token keys as a JWK Set (RFC 7517), by key id, the current one first",
        operationId: 'axisJwks',
        security: [],
        responses: { '200': { description: 'JWK Set', content: json({ type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object' } } } }) } },
      },
    },
    '/axis/v1/tsa': {
      post: {
        tags: ['axis'],
        summary: 'The development time-stamping authority (RFC 3161 over HTTP, §3.4): a DER TimeStampReq in, a DER TimeStampResp out',
        operationId: 'axisTimestamp',
        description: 'Unauthenticated, like a public TSA; body at most 64 KiB. A node points LIENTHONG_TSA_URL here (or at any other TSA) to make PAdES/CAdES B-T signatures.',
        security: [],
        requestBody: { required: true, content: { 'application/timestamp-query': { schema: { type: 'string', format: 'binary' } } } },
        responses: { '200': { description: 'TimeStampResp', content: { 'application/timestamp-reply': { schema: { type: 'string', format: 'binary' } } } }, '400': problem, '413': problem, '415': problem, '503': problem },
      },
    },
    '/axis/v1/ocsp': {
      post: {
        tags: ['axis'],
        summary: 'The development OCSP responder (RFC 6960 over HTTP, Appendix A.1): a DER OCSPRequest in, a DER OCSPResponse out',
        operationId: 'axisOcsp',
        description:
          "Unauthenticated, like a public responder; body at most 64 KiB. Signed by the development PKI's delegated responder " +
          '(id-kp-OCSPSigning, id-pkix-ocsp-nocheck); answers for the development issuing CA, SHA-256 CertIDs, nonce echoed. ' +
          'A node points LIENTHONG_OCSP_URL here (or at any other responder).',
        security: [],
        requestBody: { required: true, content: { 'application/ocsp-request': { schema: { type: 'string', format: 'binary' } } } },
        responses: { '200': { description: 'OCSPResponse', content: { 'application/ocsp-response': { schema: { type: 'string', format: 'binary' } } } }, '404': problem, '413': problem, '415': problem },
      },
    },
    '/axis/v1/edocs': {
      post: {
        tags: ['axis'],
        summary: 'Send a package (document or status) with its detached CMS signature',
        description:
          'Checks, in order: size limits; the package parses and matches `type`; the authenticated caller equals edXML `From` ' +
          '(ERR_SENDER_MISMATCH); the signature is valid and trusted (ERR_PACKAGE_SIGNATURE_INVALID, SHA-1 refused) and its ' +
          'certificate is bound to the sender in the registry (ERR_CERT_NOT_BOUND); no revocation data for the signer even after ' +
          'asking OCSP: 503 ERR_REVOCATION_UNAVAILABLE, send again later; every recipient is registered ' +
          '(ERR_RECIPIENT_UNKNOWN). A status package goes to the original sender of the document it reports on (or, for a ' +
          "recall 13 sent by that sender, to the document's recipients). Sending the same package again answers the same " +
          'docId with `duplicate: true` (200); the same DocumentId with different bytes is ERR_IDEMPOTENCY_MISMATCH.',
        operationId: 'axisSendEdoc',
        security: secured,
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: ref('AxisSendRequest'),
              encoding: { package: { contentType: 'application/xml, application/octet-stream' }, signature: { contentType: 'application/pkcs7-signature, application/octet-stream' } },
            },
          },
        },
        responses: {
          '201': { description: 'accepted and queued', content: json(ref('AxisSendResult')) },
          '200': { description: 'already accepted (resend): the same docId', content: json(ref('AxisSendResult')) },
          '400': problem,
          '401': problem,
          '403': problem,
          '409': problem,
          '413': problem,
          '415': problem,
          '422': problem,
          '503': problem,
        },
      },
      get: {
        tags: ['axis'],
        summary: "The caller's deliveries (what waits for it), oldest first",
        operationId: 'axisListEdocs',
        security: secured,
        parameters: parametersOf(ListQuery, 'query'),
        responses: { '200': { description: 'page of deliveries', content: json(ref('AxisDeliveryList')) }, '400': problem, '401': problem },
      },
    },
    '/axis/v1/edocs/{docId}': {
      get: {
        tags: ['axis'],
        summary: 'Download a package and its signature (only a recipient of it)',
        operationId: 'axisGetEdoc',
        security: secured,
        parameters: parametersOf(DocIdParams, 'path'),
        responses: { '200': { description: 'the package', content: json(ref('AxisDownload')) }, '401': problem, '404': problem },
      },
    },
    '/axis/v1/edocs/{docId}/ack': {
      post: {
        tags: ['axis'],
        summary: 'Transport acknowledgement: pending → done | fail (only a recipient; repeating the same answer is harmless)',
        operationId: 'axisAckEdoc',
        security: secured,
        parameters: parametersOf(DocIdParams, 'path'),
        requestBody: { required: true, content: json(ref('AxisAckRequest')) },
        responses: { '200': { description: 'recorded', content: json(ref('AxisAckResult')) }, '400': problem, '401': problem, '404': problem, '409': problem },
      },
    },
    '/axis/v1/edocs/{docId}/trace': {
      get: {
        tags: ['axis'],
        summary: 'The hops of a package (submitted, queued, downloaded, acknowledged), for its sender and recipients',
        operationId: 'axisTraceEdoc',
        security: secured,
        parameters: parametersOf(DocIdParams, 'path'),
        responses: {
          '200': { description: 'trace entries, oldest first', content: json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('AxisTraceEntry') } } }) },
          '401': problem,
          '404': problem,
        },
      },
    },
    '/axis/v1/agencies': {
      get: {
        tags: ['axis'],
        summary: 'The agency registry',
        operationId: 'axisListAgencies',
        security: secured,
        parameters: parametersOf(AgencyListQuery, 'query'),
        responses: { '200': { description: 'page of agencies', content: json(ref('AxisAgencyList')) }, '400': problem, '401': problem },
      },
    },
    '/axis/v1/agencies/{code}': {
      get: {
        tags: ['axis'],
        summary: 'One agency with its bound certificates and its children',
        operationId: 'axisGetAgency',
        security: secured,
        parameters: parametersOf(CodeParams, 'path'),
        responses: { '200': { description: 'the agency', content: json(ref('AxisAgencyDetail')) }, '400': problem, '401': problem, '404': problem },
      },
    },
    '/axis/v1/reports/monthly': {
      get: {
        tags: ['axis'],
        summary: "The axis operator's national view of a month: per agency, packages sent and received and how receivers answered (01 vs 02), rolled up by level-1 code",
        operationId: 'axisNationalMonthlyReport',
        description:
          'Operator only: a token from POST /axis/v1/auth/token with systemId `operator` and the operator secret. An agency token answers 403. The month is that of the submission at the axis, Vietnam time (+07:00); an answer counts for the month of the package it answers. JSON, CSV (UTF-8 with BOM, Vietnamese headers, one line for the nation, each level-1 total and each agency) or XLSX (the same columns); chosen by `format`, else by the Accept header, else JSON. No PDF: the axis has no seal identity.',
        security: secured,
        parameters: parametersOf(NationalReportQuery, 'query'),
        responses: {
          '200': {
            description: 'the report',
            content: {
              ...json(ref('AxisNationalReport')),
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
            },
          },
          '400': problem,
          '401': problem,
          '403': problem,
          '413': problem,
        },
      },
    },
    '/axis/v1/agencies/{code}/certificates': {
      post: {
        tags: ['axis'],
        summary: "The agency (its administrator, with its own credentials) registers a leader's personal signing certificate",
        operationId: 'axisRegisterPersonCertificate',
        security: secured,
        parameters: parametersOf(CodeParams, 'path'),
        requestBody: { required: true, content: json(ref('AxisCertificateRequest')) },
        responses: {
          '201': { description: 'bound', content: json(ref('AxisAgency')) },
          '200': { description: 'bound already', content: json(ref('AxisAgency')) },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
        },
      },
    },
    '/axis/v1/agencies/{code}/certificates/{sha256}/revoke': {
      post: {
        tags: ['axis'],
        summary: "The agency revokes one of its people's certificates (seals: the axis operator)",
        operationId: 'axisRevokePersonCertificate',
        security: secured,
        parameters: parametersOf(CodeCertParams, 'path'),
        responses: { '200': { description: 'revoked', content: json(ref('AxisAgency')) }, '400': problem, '401': problem, '403': problem, '404': problem },
      },
    },
    '/axis/v1/certificates/{sha256}': {
      get: {
        tags: ['axis'],
        summary: 'Which agency holds a certificate, in which role (to name a signature by another agency)',
        operationId: 'axisGetCertificateHolder',
        security: secured,
        parameters: parametersOf(ShaParams, 'path'),
        responses: { '200': { description: 'the holder', content: json(ref('AxisCertificateHolder')) }, '400': problem, '401': problem, '404': problem },
      },
    },
  },
  components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
};
