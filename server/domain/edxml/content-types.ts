/**
 * Media types of attachments. A file wrapped in a ZIP travels labelled `application/zip` (the vendors'
 * generators; DOMAIN.md) and its own type is then known only from its name.
 */
export const ZIP_CONTENT_TYPE = 'application/zip';

const ZIP_TYPES = new Set(['application/zip', 'application/x-zip-compressed', 'application/x-zip']);

export function isZipContentType(contentType: string): boolean {
  return ZIP_TYPES.has(contentType.trim().toLowerCase());
}

const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  xml: 'application/xml',
  txt: 'text/plain',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  zip: ZIP_CONTENT_TYPE,
};

/** The media type a file name suggests; `application/octet-stream` when the extension is unknown. */
export function contentTypeOfName(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot >= 0 ? BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined) ?? 'application/octet-stream';
}
