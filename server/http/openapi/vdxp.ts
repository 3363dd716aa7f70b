import type { OpenApiFragment } from './document.js';

/**
 * The VDXP-compatible facade under `/axis/vdxp` (issue 14 §4), shaped like the VDXP client SDKs (SDKVXP 2.x
 * `KnobstickServiceImp` / `VnptService`): point an SDK's `endpoint` at `<axis>/axis/vdxp`.
 *
 * - Parameters are HTTP headers. The SDK turns every key of its JSON request (`from`, `servicetype`,
 *   `messagetype`, `docId`, `status`, `pageIndex`, `pageSize`, plus `systemid` and `timestamp`) into a header
 *   `XroadVnpt-<key>`, repeats them all as a JSON object in `XroadVnpt-sign-header`, lists the names in
 *   `XroadVnpt-sign-header-key` (`;`-separated) and signs: `XroadVnpt-hash-header` =
 *   hex(HMAC-SHA256(system secret, XroadVnpt-sign-header)). The axis refuses (ERR_UNAUTHENTICATED) a wrong
 *   HMAC, a header not signed or signed differently, and a `timestamp` (`ddMMyyyy'T'HHmmss+SSSS`, Vietnam time)
 *   further than 15 minutes from its clock. The same signed headers (same HMAC) a second time inside that
 *   window are a replay: ERR_REPLAYED (409), nothing done.
 * - A system acts for the agencies registered under it: `from` (sending) and `to` (receiving) may name one
 *   of them; any other agency is ERR_FORBIDDEN.
 * - Answers: `{status: "OK", ErrorCode: "0", ErrorDesc: "Success", data | DocId}`; failures
 *   `{status: "FAIL", ErrorCode: "<ERR_ code>", ErrorDesc}` with the HTTP status of the same code on /axis/v1.
 */
const signed = [{ vdxpHmac: [] as string[] }];
const header = (name: string, description: string, required = false, schema: unknown = { type: 'string' }) => ({ name: `XroadVnpt-${name}`, in: 'header', required, description, schema });
const auth = [
  header('systemid', 'The connected system (its agency code).', true),
  header('timestamp', "ddMMyyyy'T'HHmmss+SSSS in Vietnam time (the +SSSS is milliseconds).", true),
  header('sign-header-key', 'The signed header names, `;`-separated.', true),
  header('sign-header', 'JSON object of every signed `XroadVnpt-*` header and its value, exactly as sent.', true),
  header('hash-header', 'hex HMAC-SHA256 of XroadVnpt-sign-header keyed with the system secret.', true),
];
const envelope = {
  type: 'object',
  required: ['status', 'ErrorCode', 'ErrorDesc'],
  properties: { status: { enum: ['OK', 'FAIL'] }, ErrorCode: { type: 'string', description: '"0" on success, else an ERR_ code' }, ErrorDesc: { type: 'string' } },
};
const failure = { description: 'FAIL envelope', content: { 'application/json': { schema: { $ref: '#/components/schemas/VdxpEnvelope' } } } };
const ok = (description: string, extra: Record<string, unknown>) => ({
  description,
  content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/VdxpEnvelope' }, { type: 'object', properties: extra }] } } },
});
const failures = { '400': failure, '401': failure, '403': failure, '404': failure, '409': failure, '413': failure, '422': failure };
const knobstick = {
  type: 'object',
  required: ['docId', 'serviceType', 'messageType', 'created_time', 'from', 'to', 'status'],
  properties: {
    docId: { type: 'string', format: 'uuid' },
    serviceType: { const: 'eDoc' },
    messageType: { enum: ['edoc', 'status'] },
    created_time: { type: 'string', format: 'date-time' },
    updated_time: { type: 'string', format: 'date-time' },
    from: { type: 'string' },
    to: { type: 'string' },
    status: { enum: ['pending', 'done', 'fail'] },
    status_desc: { type: 'string' },
    documentId: { type: 'string', description: 'lienthong: the edXML DocumentId' },
    statusCode: { type: 'string', description: 'lienthong: the status code of a status package' },
    sha256: { type: 'string', description: 'lienthong: hex SHA-256 of the package' },
    size: { type: 'integer' },
    downloads: { type: 'integer', description: 'lienthong: how many times the recipient downloaded it (its backoff counts these)' },
    lastDownloadedAt: { type: 'string', format: 'date-time' },
  },
};
const statusResult = {
  type: 'object',
  required: ['serviceType', 'messageType', 'senderDocId', 'receiverDocId', 'fromCode', 'toCode', 'sendStatus', 'receiveStatus', 'sentTime'],
  properties: {
    serviceType: { const: 'eDoc' },
    messageType: { enum: ['edoc', 'status'] },
    senderDocId: { type: 'string', format: 'uuid', description: 'the DocId sendEdoc answered' },
    receiverDocId: { type: 'string', format: 'uuid', description: 'the same DocId (one per package on this axis)' },
    fromCode: { type: 'string' },
    toCode: { type: 'string', description: 'this recipient' },
    sendStatus: { const: 'done', description: 'the axis accepted the package' },
    sendStatusDesc: { type: 'string' },
    receiveStatus: { enum: ['pending', 'done', 'fail'], description: "the recipient's transport answer" },
    receiveStatusDesc: { type: 'string' },
    sentTime: { type: 'string', format: 'date-time' },
    receivedTime: { type: 'string', format: 'date-time', description: 'when the recipient answered done/fail' },
    documentId: { type: 'string', description: 'lienthong: the edXML DocumentId' },
    statusCode: { type: 'string' },
    downloads: { type: 'integer' },
  },
};
const agency = { type: 'object', required: ['code', 'pcode', 'name'], properties: { code: { type: 'string' }, pcode: { type: 'string', description: 'the parent code, "" for none' }, name: { type: 'string' } } };

export const vdxpOpenApi: OpenApiFragment = {
  paths: {
    '/axis/vdxp/sendEdoc': {
      post: {
        tags: ['vdxp'],
        summary: 'Send a package (edoc or status): multipart part file_doc is the .edxml with its enveloped XML signature',
        operationId: 'vdxpSendEdoc',
        security: signed,
        parameters: [
          ...auth,
          header('from', 'The sending agency: the system or one registered under it.'),
          header('servicetype', 'eDoc.'),
          header('messagetype', 'edoc | status.', true),
          header('hash-file', "SHA-256 of file_doc in hex (the Java SDK drops each byte's leading zero; both spellings accepted)."),
        ],
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['file_doc'], properties: { file_doc: { type: 'string', format: 'binary' } } } } } },
        responses: { '200': ok('the same package was accepted before', { DocId: { type: 'string' }, duplicate: { const: true } }), '201': ok('accepted', { DocId: { type: 'string' }, duplicate: { const: false } }), ...failures, '415': failure },
      },
    },
    '/axis/vdxp/getReceivedEdocList': {
      post: {
        tags: ['vdxp'],
        summary: 'Deliveries waiting for the acting agency (oldest first)',
        operationId: 'vdxpGetReceivedEdocList',
        security: signed,
        parameters: [
          ...auth,
          header('messagetype', 'edoc | status (default both).'),
          header('status', 'pending (default) | done | fail.'),
          header('to', 'An agency registered under the system to list for.'),
          header('pageIndex', '1-based page (default 1).'),
          header('pageSize', 'Page size 1…100 (default 20).'),
        ],
        responses: { '200': ok('a page', { data: { type: 'array', items: { $ref: '#/components/schemas/VdxpKnobstick' } }, total: { type: 'integer' } }), ...failures },
      },
    },
    '/axis/vdxp/getSentEdocList': {
      post: {
        tags: ['vdxp'],
        summary: 'What the acting agency sent: one item per recipient with its state (newest first)',
        operationId: 'vdxpGetSentEdocList',
        security: signed,
        parameters: [
          ...auth,
          header('from', 'An agency registered under the system to list for (default the system).'),
          header('messagetype', 'edoc | status (default both).'),
          header('docId', 'Only this package.'),
          header('pageIndex', '1-based page (default 1).'),
          header('pageSize', 'Page size 1…100 (default 20).'),
        ],
        responses: { '200': ok('a page', { data: { type: 'array', items: { $ref: '#/components/schemas/VdxpStatusResult' } }, total: { type: 'integer' } }), ...failures },
      },
    },
    '/axis/vdxp/getEdoc': {
      post: {
        tags: ['vdxp'],
        summary: 'Download one package (data: the .edxml in base64)',
        operationId: 'vdxpGetEdoc',
        security: signed,
        parameters: [...auth, header('docId', 'The DocId.', true), header('to', 'The recipient, when the system acts for an agency under it.')],
        responses: { '200': ok('the package', { data: { type: 'string', contentEncoding: 'base64' }, item: { $ref: '#/components/schemas/VdxpKnobstick' } }), ...failures },
      },
    },
    '/axis/vdxp/downloadEdoc': {
      get: {
        tags: ['vdxp'],
        summary: 'Download one package as the raw .edxml bytes (the SDK writes the body to <folder>/<docId>.edxml)',
        operationId: 'vdxpDownloadEdoc',
        security: signed,
        parameters: [...auth, header('docId', 'The DocId.', true), header('to', 'The recipient, when the system acts for an agency under it.')],
        responses: { '200': { description: 'the package bytes', content: { 'application/xml': { schema: { type: 'string', format: 'binary' } } } }, ...failures },
      },
    },
    '/axis/vdxp/countReceiveEdoc': {
      get: {
        tags: ['vdxp'],
        summary: 'How many document packages wait for the caller (or the agency in `to`)',
        operationId: 'vdxpCountReceiveEdoc',
        security: signed,
        parameters: [...auth, header('servicetype', 'eDoc.'), header('to', 'The recipient, when the system acts for an agency under it.')],
        responses: { '200': ok('the count', { count: { type: 'integer', minimum: 0 } }), ...failures },
      },
    },
    '/axis/vdxp/countReceiveStatus': {
      get: {
        tags: ['vdxp'],
        summary: 'How many status packages wait for the caller (or the agency in `to`)',
        operationId: 'vdxpCountReceiveStatus',
        security: signed,
        parameters: [...auth, header('servicetype', 'eDoc.'), header('to', 'The recipient, when the system acts for an agency under it.')],
        responses: { '200': ok('the count', { count: { type: 'integer', minimum: 0 } }), ...failures },
      },
    },
    '/axis/vdxp/updateStatus': {
      post: {
        tags: ['vdxp'],
        summary: 'Transport acknowledgement: done or fail (repeating the same answer is harmless)',
        operationId: 'vdxpUpdateStatus',
        security: signed,
        parameters: [...auth, header('docId', 'The DocId.', true), header('status', 'done | fail.', true), header('to', 'The recipient, when the system acts for an agency under it.'), header('reason', 'Why (fail).')],
        responses: { '200': ok('acknowledged', { DocId: { type: 'string' }, changed: { type: 'boolean' } }), ...failures },
      },
    },
    '/axis/vdxp/getAgenciesList': {
      get: {
        tags: ['vdxp'],
        summary: 'The agency registry (code, pcode, name), in code order',
        operationId: 'vdxpGetAgenciesList',
        security: signed,
        parameters: [...auth, header('pageIndex', '1-based page (default 1).'), header('pageSize', 'Page size 1…100 (default 100).')],
        responses: { '200': ok('a page', { data: { type: 'array', items: { $ref: '#/components/schemas/VdxpAgency' } }, total: { type: 'integer' } }), ...failures },
      },
      post: {
        tags: ['vdxp'],
        summary: 'The agency registry (as GET)',
        operationId: 'vdxpPostAgenciesList',
        security: signed,
        parameters: [...auth, header('pageIndex', '1-based page (default 1).'), header('pageSize', 'Page size 1…100 (default 100).')],
        responses: { '200': ok('a page', { data: { type: 'array', items: { $ref: '#/components/schemas/VdxpAgency' } }, total: { type: 'integer' } }), ...failures },
      },
    },
    '/axis/vdxp/registerAgency': {
      post: {
        tags: ['vdxp'],
        summary: 'Register an agency under the calling system (or under an agency it acts for); no secret of its own',
        operationId: 'vdxpRegisterAgency',
        security: signed,
        parameters: [...auth],
        requestBody: {
          required: true,
          description: "The SDK's RegisterAgencyRequest as JSON (contact fields are ignored). Not covered by the HMAC (the SDK does not sign bodies): TLS is assumed.",
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['code', 'name'],
                properties: { code: { type: 'string' }, pcode: { type: 'string', description: 'the parent: the system (default) or an agency under it' }, name: { type: 'string', maxLength: 300 } },
              },
            },
          },
        },
        responses: { '201': ok('registered', { data: { $ref: '#/components/schemas/VdxpAgency' } }), ...failures },
      },
    },
    '/axis/vdxp/deleteAgency': {
      post: {
        tags: ['vdxp'],
        summary: 'Delete an agency registered under the calling system (none under it, nothing waiting for it)',
        operationId: 'vdxpDeleteAgency',
        security: signed,
        parameters: [...auth, header('code', 'The agency to delete.', true)],
        responses: { '200': ok('deleted', { code: { type: 'string' } }), ...failures },
      },
    },
  },
  components: {
    schemas: { VdxpEnvelope: envelope, VdxpKnobstick: knobstick, VdxpStatusResult: statusResult, VdxpAgency: agency },
    securitySchemes: { vdxpHmac: { type: 'apiKey', in: 'header', name: 'XroadVnpt-hash-header', description: 'HMAC-SHA256 of XroadVnpt-sign-header keyed with the system secret' } },
  },
};
