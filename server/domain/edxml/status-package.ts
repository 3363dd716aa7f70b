import { isStatusCode, RESERVED_STATUS_CODES } from '../status/codes.js';
import { P, leaf, readOrganization, readResponseFor, readStaffInfo, writeOrganization, writeResponseFor, writeStaffInfo } from './common-fields.js';
import { readEnvelope, resolveLimits } from './envelope.js';
import { compact, invalidEdxml, optionalChild, optionalText, readTimestamp, requiredChild, requiredText } from './read-helpers.js';
import type { EdxmlLimits, StatusPackage } from './types.js';
import { EDXML_NAMESPACE } from './types.js';
import { firstDifference } from './first-difference.js';
import { writeXml } from './xml-writer.js';
import type { EdxmlWarning, WarningSink } from './warnings.js';

/**
 * Builds a status (feedback) package: the edXML envelope with `edXML:Status` (From, ResponseFor,
 * StaffInfo, StatusCode, Description, Timestamp `yyyy/MM/dd HH:mm:ss`) where the MessageHeader would be,
 * no attachments. Re-read with {@link parseStatusPackage} and compared with the input before it is returned.
 * @throws DomainError `ERR_EDXML_INVALID` with `details.path` when a field is invalid.
 */
export function buildStatusPackage(pkg: StatusPackage): Uint8Array {
  if (pkg === null || typeof pkg !== 'object' || !pkg.From || !pkg.ResponseFor) throw new TypeError('buildStatusPackage expects a StatusPackage');
  const bytes = writeXml({
    name: 'edXML',
    attrs: { xmlns: EDXML_NAMESPACE, 'xmlns:edXML': EDXML_NAMESPACE },
    children: [
      {
        name: `${P}edXMLEnvelope`,
        children: [
          {
            name: `${P}edXMLHeader`,
            children: [
              {
                name: `${P}Status`,
                children: [writeOrganization('From', pkg.From), writeResponseFor(pkg.ResponseFor), writeStaffInfo(pkg.StaffInfo), leaf('StatusCode', pkg.StatusCode), leaf('Description', pkg.Description), leaf('Timestamp', pkg.Timestamp)],
              },
            ],
          },
          { name: `${P}edXMLBody` },
        ],
      },
    ],
  });
  const diff = firstDifference(pkg, parseStatusPackage(bytes));
  if (diff !== null) throw invalidEdxml(diff, 'would not read back unchanged (white space at the ends, empty or unknown value)');
  return bytes;
}

/**
 * Parses and validates an untrusted status package, strictly (QCVN 102:2016 form only). Reserved status codes
 * (07–12, 14) and unknown codes are refused; a status package carrying attachments is refused.
 * @throws DomainError `ERR_XML_*`, `ERR_EDXML_INVALID` with `details.path`.
 */
export function parseStatusPackage(bytes: Uint8Array, limits?: Partial<EdxmlLimits>): StatusPackage {
  return parseWith(bytes, limits, undefined);
}

/** A status package read leniently, with what was forgiven. */
export interface StatusReadResult {
  readonly package: StatusPackage;
  /** In document order; empty when the package is as QCVN 102:2016 writes it. */
  readonly warnings: readonly EdxmlWarning[];
}

/**
 * Reads an untrusted status package as real senders write it: the safety limits and field checks of
 * {@link parseStatusPackage}, with the lenient-read rules of documents (`readEdocPackage`): a `dd/MM/yyyy`
 * Timestamp or ResponseFor/PromulgationDate is read as the same day with `EDXML_DATE_DAY_FIRST`, never silently;
 * the status fields inside `edXMLHeader/MessageHeader` (StatusCode and ResponseFor, no To) instead of
 * `edXMLHeader/Status` are read with `EDXML_STATUS_PACKAGE_IN_MESSAGE_HEADER` (field paths then start `MessageHeader.`).
 * @throws DomainError the codes of {@link parseStatusPackage}.
 */
export function readStatusPackage(bytes: Uint8Array, limits?: Partial<EdxmlLimits>): StatusReadResult {
  const warnings: EdxmlWarning[] = [];
  const pkg = parseWith(bytes, limits, warnings);
  return { package: pkg, warnings };
}

function parseWith(bytes: Uint8Array, limits: Partial<EdxmlLimits> | undefined, warnings: WarningSink): StatusPackage {
  const env = readEnvelope(bytes, resolveLimits(limits));
  if (env.kind !== 'status') throw invalidEdxml('edXMLHeader.Status', 'missing (this is a document package)');
  if (env.attachments && env.attachments.children.length > 0) throw invalidEdxml('AttachmentEncoded', 'a status package has no attachments');
  const el = env.content;
  const path = env.statusInMessageHeader ? 'MessageHeader' : 'Status';
  if (env.statusInMessageHeader) {
    if (!warnings) throw invalidEdxml('edXMLHeader.Status', 'missing (the status fields are inside MessageHeader)');
    warnings.push({
      code: 'EDXML_STATUS_PACKAGE_IN_MESSAGE_HEADER',
      path: 'edXMLHeader.MessageHeader',
      detail: 'read as a status package: StatusCode and ResponseFor, no To, inside MessageHeader instead of edXMLHeader/Status',
    });
  }
  const code = requiredText(el, 'StatusCode', path, 8);
  if (!isStatusCode(code)) {
    throw invalidEdxml(`${path}.StatusCode`, RESERVED_STATUS_CODES.includes(code) ? 'reserved status code' : 'unknown status code');
  }
  const staffEl = optionalChild(el, 'StaffInfo', path);
  return compact({
    From: readOrganization(requiredChild(el, 'From', path), `${path}.From`),
    ResponseFor: readResponseFor(requiredChild(el, 'ResponseFor', path), `${path}.ResponseFor`, warnings),
    StaffInfo: staffEl ? readStaffInfo(staffEl, `${path}.StaffInfo`) : undefined,
    StatusCode: code,
    Description: optionalText(el, 'Description', path, 4096),
    Timestamp: readTimestamp(el, 'Timestamp', path, warnings),
  });
}
