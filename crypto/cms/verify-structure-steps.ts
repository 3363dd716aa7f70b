import { hashFromOid, type AnyHashName } from './algorithms.js';
import { children, contentBytes, decodeOid, DerError, expectTag, readRoot, tlvBytes } from './der.js';
import { parseEmbeddedCertificate } from './embedded-certificates.js';
import { OID } from './oids.js';
import { parseCertificate, type ParsedCertificate } from '../pki/index.js';
import { decodeSignerSignatureAlgorithm, digestOf, verifySignatureValue } from './verify-signature-value.js';
import { equalBytes, fail, hexOfInteger, issuerDer, sameName, single, type Step } from './verify-state.js';

/** RFC 5652 §11.3 / X.680: UTCTime YYMMDDHHMMSSZ (1950–2049) or GeneralizedTime YYYYMMDDHHMMSS[.f]Z. */
function parseTime(tlv: Uint8Array): Date {
  const t = readRoot(tlv);
  const text = Buffer.from(contentBytes(tlv, t)).toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text))) {
    year = Number(m[1]);
  } else throw new DerError(`signing-time is not a UTCTime/GeneralizedTime in Zulu: ${text}`);
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(d.getTime())) throw new DerError('invalid signing-time');
  return d;
}

/** 1. Structure: one SignerInfo, the mandatory signed attributes well formed (RFC 5652 §5.3, §11). */
export const checkFormat: Step = (s) => {
  const { parsed } = s;
  const si = parsed.signerInfos[0];
  if (!si) return fail(s, 'format', 'TOTAL_FAILED', 'FORMAT_FAILURE', 'SignedData has no SignerInfo');
  s.signerInfo = si;
  const notes: string[] = [];
  if (parsed.signerInfos.length > 1) notes.push(`${parsed.signerInfos.length} signers, the first is verified`);
  const expectedVersion = si.sid.kind === 'issuerAndSerialNumber' ? 1 : 3;
  if (si.version !== expectedVersion) {
    return fail(s, 'format', 'TOTAL_FAILED', 'FORMAT_FAILURE', `SignerInfo version ${si.version} does not match its sid (RFC 5652 §5.3)`);
  }
  if (si.signedAttributes) {
    try {
      const ct = single(si.signedAttributes, OID.contentType, 'content-type');
      const md = single(si.signedAttributes, OID.messageDigest, 'message-digest');
      if (!ct || !md) throw new DerError('signed attributes lack content-type or message-digest (RFC 5652 §5.3)');
      const ctOid = decodeOid(ct, expectTag(readRoot(ct), 0x06, 'content-type'));
      if (ctOid !== parsed.eContentType) throw new DerError(`content-type ${ctOid} differs from eContentType ${parsed.eContentType}`);
      const mdTlv = readRoot(md);
      s.messageDigest = contentBytes(md, expectTag(mdTlv, 0x04, 'message-digest'));
      const st = single(si.signedAttributes, OID.signingTime, 'signing-time');
      if (st) s.claimedSigningTime = parseTime(st);
    } catch (e) {
      return fail(s, 'format', 'TOTAL_FAILED', 'FORMAT_FAILURE', (e as Error).message);
    }
  } else {
    notes.push('no signed attributes (plain PKCS#7)');
  }
  if (parsed.eContent !== undefined) notes.push('content encapsulated');
  s.checks.pass('format', notes.length > 0 ? notes.join('; ') : undefined);
  return undefined;
};

/** 2. The signer's certificate, among the embedded and supplied certificates, by its sid (RFC 5652 §5.3). */
export const findSignerCertificate: Step = (s) => {
  const si = s.signerInfo!;
  const embedded: ParsedCertificate[] = [];
  const skipped: number[] = [];
  s.parsed.certificates.forEach((der, i) => {
    try {
      embedded.push(parseEmbeddedCertificate(der));
    } catch {
      skipped.push(i);
    }
  });
  s.embedded = embedded;
  const candidates = [...embedded];
  for (const der of s.options.intermediates ?? []) {
    try {
      candidates.push(parseCertificate(der));
    } catch {
      /* an unusable extra certificate cannot be the signer's */
    }
  }
  let signer: ParsedCertificate | undefined;
  const sid = si.sid;
  if (sid.kind === 'issuerAndSerialNumber') {
    const serial = hexOfInteger(sid.serial);
    const bySerial = candidates.filter((c) => c.serialNumber === serial);
    signer = bySerial.find((c) => equalBytes(issuerDer(c), sid.issuer)) ?? bySerial.find((c) => sameName(c, sid.issuer));
  } else {
    const ski = Buffer.from(sid.keyIdentifier).toString('hex');
    signer = candidates.find((c) => c.subjectKeyIdentifier === ski);
  }
  if (!signer) {
    return fail(s, 'signer-certificate', 'INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', 'no certificate matches the SignerInfo sid');
  }
  s.signer = signer;
  s.checks.pass('signer-certificate', skipped.length > 0 ? `skipped unparseable embedded certificate(s) #${skipped.join(', #')}` : signer.subject);
  return undefined;
};

/** ESSCertIDv2/ESSCertID: the hash (and IssuerSerial when present) must name the signer's certificate. */
function matchEssCertId(value: Uint8Array, signer: ParsedCertificate, v2: boolean): string | undefined {
  const root = readRoot(value);
  const certs = children(value, expectTag(children(value, expectTag(root, 0x30, 'SigningCertificate'))[0], 0x30, 'certs'));
  const first = certs[0];
  if (!first) return 'the attribute names no certificate';
  const f = children(value, expectTag(first, 0x30, 'ESSCertID'));
  let i = 0;
  let hash: AnyHashName | undefined = v2 ? 'SHA-256' : 'SHA-1';
  if (v2 && f[0]?.tag === 0x30) {
    hash = hashFromOid(decodeOid(value, expectTag(children(value, f[0])[0], 0x06, 'hashAlgorithm')));
    i++;
  }
  if (!hash) return 'unsupported certificate hash algorithm';
  const certHash = contentBytes(value, expectTag(f[i++], 0x04, 'certHash'));
  // The certificate cache already holds the SHA-256 of the DER: no second hash in the common case.
  const matches = hash === 'SHA-256' ? Buffer.from(certHash).toString('hex') === signer.sha256 : equalBytes(certHash, digestOf(hash, signer.der));
  if (!matches) return `the ${hash} certificate hash names another certificate`;
  const issuerSerial = f[i];
  if (issuerSerial) {
    const parts = children(value, expectTag(issuerSerial, 0x30, 'IssuerSerial'));
    const serial = contentBytes(value, expectTag(parts[1], 0x02, 'serialNumber'));
    if (hexOfInteger(serial) !== signer.serialNumber) return 'IssuerSerial names another serial number';
    const names = children(value, expectTag(parts[0], 0x30, 'GeneralNames'));
    const dn = names.find((n) => n.tag === 0xa4);
    if (dn) {
      const name = children(value, dn)[0];
      if (name && !equalBytes(tlvBytes(value, name), issuerDer(signer))) return 'IssuerSerial names another issuer';
    }
  }
  return undefined;
}

/** 3. ESS signing-certificate-v2 (RFC 5035 §3; ETSI EN 319 122-1 §5.2.2.3) binds the signer's certificate. */
export const checkSigningCertificateAttribute: Step = (s) => {
  const attrs = s.signerInfo!.signedAttributes;
  if (!attrs) {
    s.checks.pass('signing-certificate', 'no signed attributes');
    return undefined;
  }
  try {
    const v2 = single(attrs, OID.signingCertificateV2, 'signing-certificate-v2');
    const v1 = v2 ? undefined : single(attrs, OID.signingCertificate, 'signing-certificate');
    if (!v2 && !v1) {
      s.checks.pass('signing-certificate', 'absent (plain CMS, not CAdES)');
      return undefined;
    }
    const mismatch = matchEssCertId((v2 ?? v1)!, s.signer!, v2 !== undefined);
    if (mismatch) return fail(s, 'signing-certificate', 'INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', `signing-certificate${v2 ? '-v2' : ''}: ${mismatch}`);
    s.checks.pass('signing-certificate', v2 ? 'signing-certificate-v2 matches' : 'signing-certificate (v1) matches');
    return undefined;
  } catch (e) {
    return fail(s, 'signing-certificate', 'TOTAL_FAILED', 'FORMAT_FAILURE', `malformed signing-certificate attribute: ${(e as Error).message}`);
  }
};

/** 4. message-digest equals the digest of the content (RFC 5652 §11.2): the `intact` fact. */
export const checkMessageDigest: Step = (s) => {
  const si = s.signerInfo!;
  const hash = hashFromOid(si.digestAlgorithm);
  if (!hash) return fail(s, 'message-digest', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', `unsupported digest algorithm ${si.digestAlgorithm}`);
  s.digestHash = hash;
  const { input } = s;
  if ('digest' in input && input.hash !== hash) {
    throw new TypeError(`the digest was computed with ${input.hash} but the signature uses ${hash} (call inspectSignedData first)`);
  }
  const eContent = s.parsed.eContent;
  if (eContent !== undefined && 'content' in input) {
    // adbe.pkcs7.sha1 style: the encapsulated content is the digest of the document; otherwise it is the document.
    const isDigest = eContent.length === 20 && equalBytes(eContent, digestOf('SHA-1', input.content));
    if (!isDigest && !equalBytes(eContent, input.content)) {
      return fail(s, 'message-digest', 'TOTAL_FAILED', 'HASH_FAILURE', 'the encapsulated content differs from the supplied content');
    }
    s.contentIsSha1Digest = isDigest;
  }
  if (!si.signedAttributes) {
    s.checks.pass('message-digest', 'no signed attributes: covered by the signature value');
    return undefined;
  }
  const signedContent = eContent ?? ('content' in input ? input.content : undefined);
  const actual = signedContent !== undefined ? digestOf(hash, signedContent) : (input as { digest: Uint8Array }).digest;
  if (!equalBytes(actual, s.messageDigest!)) return fail(s, 'message-digest', 'TOTAL_FAILED', 'HASH_FAILURE', 'message-digest does not match the content');
  s.intact = true;
  s.checks.pass('message-digest', hash);
  return undefined;
};

/** 5. The signature value verifies with the signer's public key (RFC 5652 §5.6): the `valid` fact. */
export const checkSignatureValue: Step = (s) => {
  const si = s.signerInfo!;
  const signer = s.signer!;
  const algorithm = decodeSignerSignatureAlgorithm(si.signatureAlgorithm, si.signatureAlgorithmParams);
  s.signatureAlgorithm = algorithm;
  if (algorithm.keyType === 'unknown') {
    return fail(s, 'signature-value', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', `unsupported signature algorithm ${algorithm.name}`);
  }
  if (!signer.publicKey) return fail(s, 'signature-value', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', 'the signer public key cannot be used');
  const { input } = s;
  let signed: { data: Uint8Array } | { digest: Uint8Array };
  if (si.signedAttributesDer) signed = { data: si.signedAttributesDer };
  else if (s.parsed.eContent) signed = { data: s.parsed.eContent };
  else signed = 'content' in input ? { data: input.content } : { digest: input.digest };
  if ('digest' in signed && algorithm.keyType !== 'RSA') {
    return fail(s, 'signature-value', 'INDETERMINATE', 'SIGNED_DATA_NOT_FOUND', 'no signed attributes: the content itself is needed to verify this signature');
  }
  const ok = verifySignatureValue({ algorithm, digestHash: s.digestHash!, key: signer.publicKey, signed, signature: si.signature });
  if (!ok) return fail(s, 'signature-value', 'TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', 'the signature value does not verify with the signer certificate');
  s.valid = true;
  if (!si.signedAttributes) s.intact = true;
  s.checks.pass('signature-value', algorithm.name);
  return undefined;
};
