import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { NAME_ATTRIBUTE_OIDS } from './names.js';

/**
 * A distinguished name to issue: attribute short name → value. Encoded most general first
 * (C, ST, L, O, OU, organizationIdentifier, CN, emailAddress, then anything else), one attribute per RDN.
 */
export type NameInput = Readonly<Partial<Record<'C' | 'ST' | 'L' | 'O' | 'OU' | 'CN' | 'emailAddress' | 'organizationIdentifier' | 'serialNumber' | 'title' | 'UID', string>>>;

const ORDER = ['C', 'ST', 'L', 'O', 'OU', 'organizationIdentifier', 'title', 'serialNumber', 'UID', 'CN', 'emailAddress'];

function valueOf(short: string, value: string): asn1js.BaseBlock {
  if (short === 'C' || short === 'serialNumber') return new asn1js.PrintableString({ value });
  if (short === 'emailAddress') return new asn1js.IA5String({ value });
  return new asn1js.Utf8String({ value });
}

/** Builds a pkijs name (SEQUENCE OF single-attribute SETs) from a {@link NameInput}. */
export function buildName(input: NameInput): pkijs.RelativeDistinguishedNames {
  const entries = Object.entries(input).filter((e): e is [string, string] => typeof e[1] === 'string');
  entries.sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
  if (entries.length === 0) throw new TypeError('a name needs at least one attribute');
  const seq = new asn1js.Sequence({
    value: entries.map(([short, value]) => {
      const oid = NAME_ATTRIBUTE_OIDS[short];
      if (!oid) throw new TypeError(`unknown name attribute ${short}`);
      return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), valueOf(short, value)] })] });
    }),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false));
}
