import type * as pkijs from 'pkijs';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** Attribute types accepted in `{ CN: ..., O: ... }` name descriptions, mapped to their OIDs. */
export const NAME_ATTRIBUTE_OIDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SHORT_NAMES).map(([oid, short]) => [short, oid]),
);

function attributeText(atv: pkijs.AttributeTypeAndValue): string | undefined {
  const v = (atv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
  return typeof v === 'string' ? v : undefined;
}

function attributeHex(atv: pkijs.AttributeTypeAndValue): string {
  return Buffer.from(atv.value.toBER(false)).toString('hex');
}

/**
 * A comparison key for a distinguished name: RFC 5280 §7.1 matching, simplified — string values compared
 * case-insensitively with insignificant white space removed, other values by their DER encoding.
 */
export function nameKey(name: pkijs.RelativeDistinguishedNames): string {
  const parts: string[] = [];
  for (const atv of name.typesAndValues) {
    const text = attributeText(atv);
    const value = text === undefined ? `#${attributeHex(atv)}` : text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
    parts.push(`${atv.type}=${value}`);
  }
  return parts.join('\u0000');
}

function escapeValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** Formats a name as RFC 4514 text (most specific attribute first, e.g. `CN=…, O=…, C=VN`). */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  const parts: string[] = [];
  for (const atv of name.typesAndValues) {
    const label = SHORT_NAMES[atv.type] ?? atv.type;
    const text = attributeText(atv);
    parts.push(`${label}=${text === undefined ? `#${attributeHex(atv)}` : escapeValue(text)}`);
  }
  return parts.reverse().join(', ');
}

/** First value of an attribute in a name, if any. */
export function nameAttribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  for (const atv of name.typesAndValues) if (atv.type === oid) return attributeText(atv);
  return undefined;
}
