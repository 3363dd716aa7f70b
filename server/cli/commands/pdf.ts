import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { passwordOptions, readPassword } from '../password.js';
import type { Command } from 'commander';
import { decodeCertificates, decodeCrls, importPkcs12, signPdf, verifyPdf, type PdfAppearanceOptions, type PdfReport, type PdfSignatureRole } from '../../../crypto/index.js';
import { EXIT } from '../exit.js';
import { timestamperOf } from './cms.js';
import { UsageError, collect, fail, readInput } from '../usage.js';

/** The Unicode font with Vietnamese glyphs shipped by an npm package (never downloaded at run time). */
export const VIETNAMESE_FONT_MODULE = '@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf';

const passwordOf = (opts: { password?: unknown; passwordFile?: unknown }): string => {
  try {
    return readPassword(opts);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

/** Loads the default Vietnamese font from node_modules. */
export function loadVietnameseFont(): Uint8Array {
  const require = createRequire(import.meta.url);
  return new Uint8Array(readFileSync(require.resolve(VIETNAMESE_FONT_MODULE)));
}

function parseRect(text: string): [number, number, number, number] {
  const parts = text.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x)) || parts[2]! <= 0 || parts[3]! <= 0) {
    throw new UsageError(`--rect must be x,y,w,h in points with positive width and height (got ${text})`);
  }
  return parts as [number, number, number, number];
}

function printHuman(report: PdfReport): void {
  const out: string[] = [`${report.indication}${report.subIndication ? ` / ${report.subIndication}` : ''}`];
  if (report.explanation) out.push(`reason: ${report.explanation}`);
  out.push(
    `revisions: ${report.revisions}, signatures: ${report.signatures.length}${report.level ? `, level: ${report.level}` : ''}${report.dss ? `, DSS: ${report.dss.certificates} certificate(s), ${report.dss.crls} CRL(s), ${report.dss.ocspResponses} OCSP response(s)` : ''}`,
  );
  for (const c of report.checks) if (!c.passed) out.push(`  FAIL ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
  report.signatures.forEach((s, i) => {
    out.push(
      `#${i + 1} ${s.fieldName}: ${s.indication}${s.subIndication ? ` / ${s.subIndication}` : ''}${s.level ? `  (PAdES ${s.level})` : ''}`,
      `   signer: ${s.cms?.signer?.subject ?? '?'}`,
      `   signing time (/M): ${s.signingTime ?? '-'}  revision: ${s.revision ?? '?'}  ${s.coversWholeDocument ? 'covers the whole document' : 'later revisions: ' + s.modifications.level}`,
    );
    if (s.cms) out.push(`   validated at: ${s.cms.validationTime} (proof of existence: ${s.cms.poe})${s.cms.timestamp ? `  timestamp: ${s.cms.timestamp.genTime} by ${s.cms.timestamp.tsa}` : ''}`);
    if (s.certification) out.push(`   certifies the document (DocMDP /P ${s.certification.permission})`);
    if (s.explanation) out.push(`   reason: ${s.explanation}`);
    for (const c of s.checks) out.push(`   ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
    for (const ch of s.modifications.changes) out.push(`   ${ch.allowed ? 'allowed   ' : 'DISALLOWED'} revision ${ch.revision}: ${ch.what}`);
  });
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * `lienthong pdf sign` and `lienthong pdf verify` (issue 3 §6). Exit 0 TOTAL_PASSED, 1 TOTAL_FAILED,
 * 2 INDETERMINATE, 3 unparseable input or usage error.
 */
export function registerPdfCommands(program: Command): void {
  const pdf = program.command('pdf').description('PAdES signatures on PDF documents (ETSI EN 319 142-1, Decree 30/2020)');

  passwordOptions(pdf.command('sign').description('sign a PDF by incremental update as the person (signer), the agency (seal) or on an attachment').requiredOption('--p12 <file>', 'PKCS#12 file with the private key, its certificate and chain'))
    .requiredOption('--in <file>', 'the PDF to sign')
    .requiredOption('--out <file>', 'where to write the signed PDF')
    .option('--role <role>', 'signer | seal | attachment', 'signer')
    .option('--image <png>', 'the handwritten signature (blue) or seal (red) image, PNG')
    .option('--page <n>', 'page number (1-based)')
    .option('--rect <x,y,w,h>', 'rectangle in points from the lower-left corner')
    .option('--name <text>', 'name shown (default: the certificate CN)')
    .option('--title <text>', 'competence line above the signature, e.g. "KT. BỘ TRƯỞNG" (role signer)')
    .option('--position <text>', 'position line under the competence, e.g. "Thứ trưởng" (role signer)')
    .option('--doc-number <text>', 'number/notation shown on an attachment')
    .option('--font <ttf>', 'TrueType font for the text (default: Be Vietnam Pro from npm)')
    .option('--reason <text>', 'reason (/Reason)')
    .option('--location <text>', 'location (/Location)')
    .option('--field <name>', 'signature field name; an existing empty signature field of that name is filled in place')
    .option('--certify', 'certify the document (DocMDP /P 2: form filling and signing allowed)')
    .option('--invisible', 'no visible appearance')
    .option('--tsa <url>', 'RFC 3161 time-stamping authority: add a signature-time-stamp (PAdES B-T)')
    .option('--tsa-trust <file>', 'root(s) the TSA certificate must chain to, PEM or DER (repeatable; required with --tsa)', collect)
    .action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
      try {
        const role = String(opts.role) as PdfSignatureRole;
        if (!['signer', 'seal', 'attachment'].includes(role)) throw new UsageError(`--role must be signer, seal or attachment (got ${role})`);
        let page: number | undefined;
        if (opts.page !== undefined) {
          page = Number(opts.page);
          if (!Number.isSafeInteger(page) || page < 1) throw new UsageError(`--page must be a positive integer (got ${String(opts.page)})`);
        }
        const { identity } = importPkcs12(readInput(String(opts.p12), 'PKCS#12 file'), passwordOf(opts));
        const input = readInput(String(opts.in), 'input');
        const appearance: PdfAppearanceOptions | false = opts.invisible
          ? false
          : {
              font: opts.font ? readInput(String(opts.font), 'font') : loadVietnameseFont(),
              ...(opts.image ? { image: readInput(String(opts.image), 'image') } : {}),
              ...(page !== undefined ? { page } : {}),
              ...(opts.rect ? { rect: parseRect(String(opts.rect)) } : {}),
              ...(opts.name ? { name: String(opts.name) } : {}),
              ...(opts.title ? { title: String(opts.title) } : {}),
              ...(opts.position ? { position: String(opts.position) } : {}),
              ...(opts.docNumber ? { documentNumber: String(opts.docNumber) } : {}),
            };
        const stamper = timestamperOf(opts.tsa as string | undefined, opts.tsaTrust as unknown as string[] | undefined);
        const result = await signPdf(input, {
          ...(stamper ? { timestamp: stamper } : {}),
          identity,
          role,
          signingTime: new Date(),
          appearance,
          ...(opts.reason ? { reason: String(opts.reason) } : {}),
          ...(opts.location ? { location: String(opts.location) } : {}),
          ...(opts.certify ? { certify: true } : {}),
          ...(opts.field ? { fieldName: String(opts.field) } : {}),
        });
        try {
          writeFileSync(String(opts.out), result.pdf);
        } catch (e) {
          throw new UsageError(`cannot write ${String(opts.out)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        process.stdout.write(`signed ${String(opts.in)} → ${String(opts.out)} (field ${result.fieldName}, role ${role})\n`);
      } catch (e) {
        fail(e);
      }
    });

  pdf
    .command('verify')
    .description('verify every signature of a PDF and every change made after it')
    .requiredOption('--in <file>', 'the signed PDF')
    .requiredOption('--trust <file>', 'trusted root certificate(s), PEM or DER (repeatable)', collect)
    .option('--crl <file>', 'CRL, PEM or DER (repeatable)', collect)
    .option('--cert <file>', 'extra intermediate certificate(s) (repeatable)', collect)
    .option('--at <iso-time>', 'validate at this time, reported as poe "caller" (default: a verified signature timestamp, else now; never /M)')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (opts: { in: string; trust: string[]; crl?: string[]; cert?: string[]; at?: string; json?: boolean }) => {
      let report: PdfReport;
      try {
        const trustAnchors = opts.trust.flatMap((f) => decodeCertificates(readInput(f, 'trust anchor')));
        const crls = (opts.crl ?? []).flatMap((f) => decodeCrls(readInput(f, 'CRL')));
        const intermediates = (opts.cert ?? []).flatMap((f) => decodeCertificates(readInput(f, 'certificate')));
        let at: Date | undefined;
        if (opts.at !== undefined) {
          at = new Date(opts.at);
          if (Number.isNaN(at.getTime())) throw new UsageError(`--at is not an ISO 8601 time: ${opts.at}`);
        }
        report = await verifyPdf(readInput(opts.in, 'input'), { trustAnchors, crls, intermediates, now: new Date(), ...(at ? { at } : {}) });
      } catch (e) {
        fail(e);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v), 2)}\n`);
      else printHuman(report);
      process.exitCode = report.indication === 'TOTAL_PASSED' ? EXIT.passed : report.indication === 'TOTAL_FAILED' ? EXIT.failed : EXIT.indeterminate;
    });
}
