import { DomainError } from '../errors.js';
import type { AgencyCode } from '../agency/code.js';
import { isAgencyCode } from '../agency/code.js';
import { isEdxmlDate, isEdxmlTimestamp } from './dates.js';
import type { XmlElement } from './safe-xml.js';
import { EDXML_NAMESPACE } from './types.js';
import { quoted, type WarningSink } from './warnings.js';

/** Internal helpers that read edXML elements and fail with `ERR_EDXML_INVALID` and the field path. */

export function invalidEdxml(path: string, reason: string, cause?: unknown): DomainError {
  return new DomainError('ERR_EDXML_INVALID', `invalid edXML at ${path}: ${reason}`, { details: { path, reason }, cause });
}

/** Children elements named `local` in the edXML namespace or, leniently for inner fields, in no namespace. */
export function childrenNamed(parent: XmlElement, local: string): XmlElement[] {
  return parent.children.filter((c) => c.local === local && (c.ns === EDXML_NAMESPACE || c.ns === null));
}

export function optionalChild(parent: XmlElement, local: string, path: string): XmlElement | undefined {
  const found = childrenNamed(parent, local);
  if (found.length > 1) throw invalidEdxml(`${path}.${local}`, 'repeated');
  return found[0];
}

export function requiredChild(parent: XmlElement, local: string, path: string): XmlElement {
  const el = optionalChild(parent, local, path);
  if (!el) throw invalidEdxml(`${path}.${local}`, 'missing');
  return el;
}

/** An envelope element: must be in the edXML namespace (QCVN 102:2016). */
export function envelopeChild(parent: XmlElement, local: string, path: string): XmlElement | undefined {
  const found = parent.children.filter((c) => c.local === local);
  if (found.length > 1) throw invalidEdxml(`${path}.${local}`, 'repeated');
  const el = found[0];
  if (el && el.ns !== EDXML_NAMESPACE) throw invalidEdxml(`${path}.${local}`, 'wrong namespace');
  return el;
}

const MAX_TEXT = 64 * 1024;

/** Text of a leaf element, trimmed; undefined when absent or empty. */
export function optionalText(parent: XmlElement, local: string, path: string, max = MAX_TEXT): string | undefined {
  const el = optionalChild(parent, local, path);
  if (!el) return undefined;
  if (el.children.length > 0) throw invalidEdxml(`${path}.${local}`, 'expected text, found elements');
  const t = el.text.trim();
  if (t.length > max) throw invalidEdxml(`${path}.${local}`, `longer than ${max} characters`);
  return t === '' ? undefined : t;
}

export function requiredText(parent: XmlElement, local: string, path: string, max = MAX_TEXT): string {
  const t = optionalText(parent, local, path, max);
  if (t === undefined) throw invalidEdxml(`${path}.${local}`, 'missing or empty');
  return t;
}

/** An agency code, read untrimmed: QCVN 102:2016 codes never hold white space, so none is forgiven. */
export function readAgencyCode(parent: XmlElement, local: string, path: string): AgencyCode {
  requiredText(parent, local, path, 64);
  const raw = (optionalChild(parent, local, path) as XmlElement).text;
  if (!isAgencyCode(raw)) throw invalidEdxml(`${path}.${local}`, 'not an agency code');
  return raw;
}

const DAY_FIRST_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const DAY_FIRST_TIMESTAMP = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}:\d{2}:\d{2})$/;

/**
 * `dd/MM/yyyy` (some senders' local habit) rewritten `yyyy/MM/dd`, with a warning; only when a sink is given
 * and only when the result is a real date. The 4-digit year's position tells the two forms apart.
 */
function dayFirst(t: string, path: string, warnings: WarningSink, timestamp: boolean): string | undefined {
  if (!warnings) return undefined;
  const m = (timestamp ? DAY_FIRST_TIMESTAMP : DAY_FIRST_DATE).exec(t);
  if (!m) return undefined;
  const rewritten = `${m[3]}/${m[2]}/${m[1]}${timestamp ? ` ${m[4]}` : ''}`;
  if (!(timestamp ? isEdxmlTimestamp(rewritten) : isEdxmlDate(rewritten))) return undefined;
  warnings.push({ code: 'EDXML_DATE_DAY_FIRST', path, detail: `${quoted(t)} read as ${rewritten}` });
  return rewritten;
}

export function readDate(parent: XmlElement, local: string, path: string, required: true, warnings?: WarningSink): string;
export function readDate(parent: XmlElement, local: string, path: string, required: false, warnings?: WarningSink): string | undefined;
export function readDate(parent: XmlElement, local: string, path: string, required: boolean, warnings?: WarningSink): string | undefined {
  const t = required ? requiredText(parent, local, path, 32) : optionalText(parent, local, path, 32);
  if (t === undefined || isEdxmlDate(t)) return t;
  const lenient = dayFirst(t, `${path}.${local}`, warnings, false);
  if (lenient === undefined) throw invalidEdxml(`${path}.${local}`, 'not a real date yyyy/MM/dd');
  return lenient;
}

export function readTimestamp(parent: XmlElement, local: string, path: string, warnings?: WarningSink): string {
  const t = requiredText(parent, local, path, 32);
  if (isEdxmlTimestamp(t)) return t;
  const lenient = dayFirst(t, `${path}.${local}`, warnings, true);
  if (lenient === undefined) throw invalidEdxml(`${path}.${local}`, 'not a real time yyyy/MM/dd HH:mm:ss');
  return lenient;
}

/** A non-negative integer, optionally bounded. */
export function readInteger(parent: XmlElement, local: string, path: string, opts: { required: boolean; min?: number; max?: number }): number | undefined {
  const t = opts.required ? requiredText(parent, local, path, 16) : optionalText(parent, local, path, 16);
  if (t === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(t)) throw invalidEdxml(`${path}.${local}`, 'not a non-negative integer');
  const n = Number(t);
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw invalidEdxml(`${path}.${local}`, `out of range ${opts.min ?? 0}..${opts.max ?? '∞'}`);
  }
  return n;
}

export function readBoolean(parent: XmlElement, local: string, path: string): boolean | undefined {
  const t = optionalText(parent, local, path, 8);
  if (t === undefined) return undefined;
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw invalidEdxml(`${path}.${local}`, 'not a boolean');
}

/** Drops undefined properties so parsed objects compare equal to the built ones. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
