import { Inflate, zipSync } from 'fflate';
import { DomainError } from '../errors.js';

/**
 * One-file ZIP wrappers around attachments. Some senders wrap each attachment in a ZIP, others send the
 * raw file (DOMAIN.md): a receiver accepts both. Unwrapping is bomb-safe: the central directory is read
 * by hand (APPNOTE 6.3.x §4.3), the entry count is bounded, the declared size is checked before inflating,
 * the inflated output is counted chunk by chunk and stops at the limit, and the CRC-32 is verified.
 */

export interface UnwrapLimits {
  /** Largest unwrapped file, bytes. */
  readonly maxAttachmentBytes: number;
  /** Central directories with more entries are not read at all (the archive is left as it is). */
  readonly maxZipEntries: number;
}

export interface UnwrapResult {
  /** The file inside the wrapper, or the input when it is not a one-file ZIP. */
  readonly content: Uint8Array;
  readonly zipped: boolean;
  /** Name of the entry inside the wrapper. */
  readonly innerName?: string;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const INFLATE_CHUNK = 4096; // a deflate chunk expands at most ~1032:1, so one push stays bounded

function invalid(reason: string, cause?: unknown): DomainError {
  return new DomainError('ERR_ATTACHMENT_INVALID', `bad ZIP wrapper: ${reason}`, { details: { reason }, cause });
}

function tooLarge(max: number): DomainError {
  return new DomainError('ERR_ATTACHMENT_TOO_LARGE', 'attachment too large once unwrapped', {
    details: { limit: 'maxAttachmentBytes', max },
  });
}

let crcTable: Uint32Array | undefined;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (crcTable[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** True when the bytes start with a ZIP local file header. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function findEndOfCentralDirectory(view: DataView): number {
  const min = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= min; i--) if (view.getUint32(i, true) === END_OF_CENTRAL_DIR) return i;
  return -1;
}

function inflateBounded(compressed: Uint8Array, max: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > max) throw tooLarge(max);
    chunks.push(chunk);
  });
  try {
    for (let off = 0; off < compressed.length; off += INFLATE_CHUNK) {
      const end = Math.min(off + INFLATE_CHUNK, compressed.length);
      inflater.push(compressed.subarray(off, end), end === compressed.length);
    }
    if (compressed.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw invalid('corrupt deflate stream', e);
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/**
 * Unwraps a one-file ZIP wrapper; returns anything else unchanged with `zipped: false` (a ZIP holding
 * several files is an archive the sender meant to send, not a wrapper).
 *
 * @throws DomainError `ERR_ATTACHMENT_TOO_LARGE` when the file (declared or inflated) exceeds the limit,
 *   `ERR_ATTACHMENT_INVALID` for a one-file ZIP that cannot be unwrapped (encrypted, unknown method,
 *   ZIP64, truncated, bad CRC-32).
 */
export function unwrapZip(bytes: Uint8Array, limits: UnwrapLimits): UnwrapResult {
  const raw: UnwrapResult = { content: bytes, zipped: false };
  if (!looksLikeZip(bytes) || bytes.length < 22) return raw;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) return raw;
  const entries = view.getUint16(eocd + 10, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || cdOffset === 0xffffffff) throw invalid('ZIP64 is not supported');
  if (entries !== 1 || entries > limits.maxZipEntries) return raw;
  if (cdOffset + 46 > bytes.length || view.getUint32(cdOffset, true) !== CENTRAL_HEADER) throw invalid('bad central directory');
  const flags = view.getUint16(cdOffset + 8, true);
  const method = view.getUint16(cdOffset + 10, true);
  const crc = view.getUint32(cdOffset + 16, true);
  const compressedSize = view.getUint32(cdOffset + 20, true);
  const size = view.getUint32(cdOffset + 24, true);
  const nameLength = view.getUint16(cdOffset + 28, true);
  const localOffset = view.getUint32(cdOffset + 42, true);
  if (cdOffset + 46 + nameLength > bytes.length) throw invalid('truncated central directory');
  const innerName = new TextDecoder().decode(bytes.subarray(cdOffset + 46, cdOffset + 46 + nameLength));
  if (innerName.endsWith('/')) return raw;
  if (flags & 0x1) throw invalid('encrypted entry');
  if (method !== 0 && method !== 8) throw invalid(`compression method ${method}`);
  if (size > limits.maxAttachmentBytes) throw tooLarge(limits.maxAttachmentBytes);
  if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL_HEADER) throw invalid('bad local header');
  const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
  if (dataStart + compressedSize > bytes.length) throw invalid('truncated entry');
  const compressed = bytes.subarray(dataStart, dataStart + compressedSize);
  const content = method === 0 ? compressed.slice() : inflateBounded(compressed, Math.min(size, limits.maxAttachmentBytes));
  if (content.length !== size) throw invalid('size differs from the central directory');
  if (crc32(content) !== crc) throw invalid('CRC-32 mismatch');
  return { content, zipped: true, innerName };
}

/** Wraps one file in a ZIP (deflate, fixed time so the output is deterministic). */
export function wrapZip(name: string, content: Uint8Array): Uint8Array {
  const safeName = name.replace(/[\\/]/g, '_') || 'attachment';
  return zipSync({ [safeName]: [content, { level: 6 }] }, { mtime: new Date(Date.UTC(2000, 0, 1)) });
}
