import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeCertificates, decodeCrls, importPkcs12, type SignatureReport } from '../../../crypto/index.js';
import { detectPackageKind, findXmlSignature, readEdocPackage, readStatusPackage, signPackageXml, verifyPackageXml, type EdxmlWarningCode, type XmlSignatureFindingCode } from '../../domain/edxml/index.js';
import { EXIT } from '../exit.js';
import { UsageError, collect, fail, readInput } from '../usage.js';

/** What `edxml inspect` prints: the header, the attachments (without their bytes) and the signature finding. */
function inspect(bytes: Uint8Array): Record<string, unknown> {
  const kind = detectPackageKind(bytes);
  const signature = findXmlSignature(bytes);
  const warnings: { code: EdxmlWarningCode | XmlSignatureFindingCode; detail: string }[] = signature.code === 'XMLDSIG_PRESENT' ? [] : [{ code: signature.code, detail: signature.detail }];
  if (kind === 'status') {
    const status = readStatusPackage(bytes);
    warnings.unshift(...status.warnings.map((w) => ({ code: w.code, detail: `${w.path}: ${w.detail}` })));
    return { kind, status: status.package, signature, warnings };
  }
  const read = readEdocPackage(bytes);
  const pkg = read.package;
  // The package's own form first (in document order), then the signature finding.
  warnings.unshift(...read.warnings.map((w) => ({ code: w.code, detail: `${w.path}: ${w.detail}` })));
  return {
    kind,
    header: pkg.MessageHeader,
    bussiness: pkg.TraceHeaderList.Bussiness,
    trace: pkg.TraceHeaderList.TraceHeader,
    attachments: pkg.Attachments.map((a) => ({ ContentId: a.ContentId, AttachmentName: a.AttachmentName, ContentType: a.ContentType, Zipped: a.Zipped, bytes: a.Content.byteLength })),
    signature,
    warnings,
  };
}

function printReport(report: SignatureReport): void {
  const out: string[] = [`${report.indication}${report.subIndication ? ` / ${report.subIndication}` : ''}`];
  if (report.reason) out.push(`reason: ${report.reason}`);
  if (report.signer) out.push(`signer: ${report.signer.subject}`, `issuer: ${report.signer.issuer}`, `serial: ${report.signer.serialNumber}`);
  if (report.signatureAlgorithm) out.push(`algorithm: ${report.signatureAlgorithm}, ${report.digestAlgorithm ?? '-'}`);
  out.push(`validated at: ${report.validationTime}`, `intact: ${report.intact}  valid: ${report.valid}  trusted: ${report.trusted}`);
  for (const c of report.checks) out.push(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * `lienthong edxml inspect|sign|verify`: read a package (exit 0, or 3 with one line when unreadable); add or
 * replace its enveloped XML-DSig signature with a PKCS#12 key; verify that signature (exit codes as
 * `cms verify`: 0 TOTAL_PASSED, 1 TOTAL_FAILED, 2 INDETERMINATE, 3 unreadable or usage).
 */
export function registerEdxmlCommands(program: Command): void {
  const edxml = program.command('edxml').description('edXML packages (QCVN 102:2016) and their enveloped XML signature');

  edxml
    .command('inspect')
    .description('read a package: header, attachments, signature finding and warnings')
    .requiredOption('--in <file>', 'the .edxml package')
    .option('--json', 'print JSON')
    .action((opts: { in: string; json?: boolean }) => {
      let facts: Record<string, unknown>;
      try {
        facts = inspect(readInput(opts.in, 'package'));
      } catch (e) {
        fail(e);
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
        return;
      }
      const h = facts.header as { From: { OrganId: string }; To: { OrganId: string }[]; DocumentId: string; Subject: string } | undefined;
      const lines = [`kind: ${String(facts.kind)}`];
      if (h) lines.push(`from: ${h.From.OrganId}`, `to: ${h.To.map((t) => t.OrganId).join(', ')}`, `document: ${h.DocumentId}`, `subject: ${h.Subject}`);
      for (const a of (facts.attachments ?? []) as { ContentId: string; AttachmentName: string; ContentType: string; Zipped: boolean; bytes: number }[]) {
        lines.push(`attachment: ${a.ContentId} ${a.AttachmentName} ${a.ContentType} ${a.bytes} bytes${a.Zipped ? ' (zipped)' : ''}`);
      }
      const s = facts.signature as { code: string; detail: string };
      lines.push(`signature: ${s.code} — ${s.detail}`);
      for (const w of facts.warnings as { code: string; detail: string }[]) lines.push(`warning: ${w.code} — ${w.detail}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  edxml
    .command('sign')
    .description('add or replace the enveloped XML-DSig signature (after TraceHeaderList; RSA/ECDSA SHA-256, exc-C14N)')
    .requiredOption('--p12 <file>', 'PKCS#12 file with the private key, its certificate and chain')
    .requiredOption('--password <pw>', 'PKCS#12 password')
    .requiredOption('--in <file>', 'the .edxml package')
    .requiredOption('--out <file>', 'where to write the signed package')
    .option('--no-chain', 'put only the signer certificate into KeyInfo (default: with the chain)')
    .option('--inclusive', 'canonical XML 1.0 instead of Exclusive C14N')
    .action(async (opts: { p12: string; password: string; in: string; out: string; chain: boolean; inclusive?: boolean }) => {
      try {
        const { identity } = importPkcs12(readInput(opts.p12, 'PKCS#12 file'), opts.password);
        const signed = await signPackageXml(readInput(opts.in, 'package'), identity, { includeChain: opts.chain, canonicalization: opts.inclusive ? 'inclusive' : 'exclusive' });
        try {
          writeFileSync(opts.out, signed);
        } catch (e) {
          throw new UsageError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        process.stdout.write(`signed ${opts.in} → ${opts.out} (${signed.length} bytes)\n`);
      } catch (e) {
        fail(e);
      }
    });

  edxml
    .command('verify')
    .description('verify the enveloped XML-DSig signature: structure, digest, signature, chain, revocation, key usage')
    .requiredOption('--in <file>', 'the .edxml package')
    .requiredOption('--trust <file>', 'trusted root certificate(s), PEM or DER (repeatable)', collect)
    .option('--cert <file>', 'extra intermediate certificate(s) (repeatable)', collect)
    .option('--crl <file>', 'CRL, PEM or DER (repeatable)', collect)
    .option('--at <iso-time>', 'validate the chain at this time (default now)')
    .option('--json', 'print the report as JSON on stdout')
    .action((opts: { in: string; trust: string[]; cert?: string[]; crl?: string[]; at?: string; json?: boolean }) => {
      let report: SignatureReport;
      try {
        let at: Date | undefined;
        if (opts.at !== undefined) {
          at = new Date(opts.at);
          if (Number.isNaN(at.getTime())) throw new UsageError(`--at is not an ISO 8601 time: ${opts.at}`);
        }
        const allowSha1 = process.env.LIENTHONG_ALLOW_SHA1 === '1' || process.env.LIENTHONG_ALLOW_SHA1 === 'true';
        report = verifyPackageXml(readInput(opts.in, 'package'), {
          trustAnchors: opts.trust.flatMap((f) => decodeCertificates(readInput(f, 'trust anchor'))),
          intermediates: (opts.cert ?? []).flatMap((f) => decodeCertificates(readInput(f, 'certificate'))),
          crls: (opts.crl ?? []).flatMap((f) => decodeCrls(readInput(f, 'CRL'))),
          now: new Date(),
          ...(at ? { at } : {}),
          policy: { allowSha1 },
        });
      } catch (e) {
        fail(e);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printReport(report);
      process.exitCode = report.indication === 'TOTAL_PASSED' ? EXIT.passed : report.indication === 'TOTAL_FAILED' ? EXIT.failed : EXIT.indeterminate;
    });
}
