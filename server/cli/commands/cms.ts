import { writeFileSync } from 'node:fs';
import { passwordOptions, readPassword } from '../password.js';
import type { Command } from 'commander';
import { CryptoError, decodeCertificates, decodeCrls, decodePem, importPkcs12, isPem, signDetached, timestampSignature, verifyDetached, type SignatureTimestamper, type HashName, type SignatureReport } from '../../../crypto/index.js';
import { createHttpTimestamper } from '../../node/tsa/http-timestamper.js';
import { EXIT } from '../exit.js';
import { UsageError, collect, fail, readInput } from '../usage.js';

const HASHES: Readonly<Record<string, HashName>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

const passwordOf = (opts: { password?: unknown; passwordFile?: unknown }): string => {
  try {
    return readPassword(opts);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

/** A CMS signature file: DER, or PEM with a PKCS7 / CMS block. */
function signatureDer(bytes: Uint8Array): Uint8Array {
  if (!isPem(bytes)) return bytes;
  const block = decodePem(bytes).find((b) => ['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA'].includes(b.label));
  if (!block) throw new CryptoError('ERR_CMS_MALFORMED', 'no PKCS7/CMS PEM block in the signature file');
  return block.der;
}

function printHuman(report: SignatureReport): void {
  const out: string[] = [`${report.indication}${report.subIndication ? ` / ${report.subIndication}` : ''}`];
  if (report.reason) out.push(`reason: ${report.reason}`);
  if (report.signer) out.push(`signer: ${report.signer.subject}`, `issuer: ${report.signer.issuer}`, `serial: ${report.signer.serialNumber}`);
  if (report.claimedSigningTime) out.push(`claimed signing time: ${report.claimedSigningTime}`);
  if (report.timestamp) out.push(`signature timestamp: ${report.timestamp.genTime} by ${report.timestamp.tsa}`);
  out.push(`validated at: ${report.validationTime} (proof of existence: ${report.poe})`, `intact: ${report.intact}  valid: ${report.valid}  trusted: ${report.trusted}`);
  for (const c of report.checks) out.push(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The RFC 3161 client for `--tsa` (its token verified against `--tsa-trust`), or undefined without --tsa. */
export function timestamperOf(url: string | undefined, trustFiles: readonly string[] | undefined): SignatureTimestamper | undefined {
  if (url === undefined) return undefined;
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--tsa must be an http(s) URL (got ${url})`);
  if (!trustFiles || trustFiles.length === 0) throw new UsageError('--tsa needs --tsa-trust <root.pem> to verify the timestamp token');
  const trustAnchors = trustFiles.flatMap((f) => decodeCertificates(readInput(f, 'TSA trust anchor')));
  return createHttpTimestamper({ url, trustAnchors, now: () => new Date() });
}

/**
 * `lienthong cms sign` and `lienthong cms verify` (issue 2 §5). Exit 0 TOTAL_PASSED, 1 TOTAL_FAILED,
 * 2 INDETERMINATE, 3 unparseable input or usage error (one line on stderr).
 */
export function registerCmsCommands(program: Command): void {
  const cms = program.command('cms').description('detached CMS/CAdES signatures (RFC 5652, ETSI EN 319 122-1)');

  passwordOptions(cms.command('sign').description('make a detached CAdES B-B signature of a file with a PKCS#12 key').requiredOption('--p12 <file>', 'PKCS#12 file with the private key, its certificate and chain'))
    .requiredOption('--in <file>', 'the data to sign')
    .requiredOption('--out <file>', 'where to write the DER signature (.p7s)')
    .option('--hash <name>', 'sha256 | sha384 | sha512', 'sha256')
    .option('--signing-time', 'add the signing-time attribute (now)')
    .option('--tsa <url>', 'RFC 3161 time-stamping authority: add a signature-time-stamp (CAdES B-T)')
    .option('--tsa-trust <file>', 'root(s) the TSA certificate must chain to, PEM or DER (repeatable; required with --tsa)', collect)
    .action(async (opts: { p12: string; password?: string; passwordFile?: string; in: string; out: string; hash: string; signingTime?: boolean; tsa?: string; tsaTrust?: string[] }) => {
      try {
        const hash = HASHES[opts.hash.toLowerCase()];
        if (!hash) throw new UsageError(`--hash must be sha256, sha384 or sha512 (got ${opts.hash})`);
        const { identity } = importPkcs12(readInput(opts.p12, 'PKCS#12 file'), passwordOf(opts));
        const content = readInput(opts.in, 'input');
        const stamper = timestamperOf(opts.tsa, opts.tsaTrust);
        const signed = await signDetached({ content }, { identity, hash, ...(opts.signingTime ? { signingTime: new Date() } : {}) });
        const signature = stamper ? await timestampSignature(signed, stamper) : signed;
        try {
          writeFileSync(opts.out, signature);
        } catch (e) {
          throw new UsageError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        process.stdout.write(`signed ${opts.in} → ${opts.out} (${signature.length} bytes, ${hash})\n`);
      } catch (e) {
        fail(e);
      }
    });

  cms
    .command('verify')
    .description('verify a detached CMS/CAdES signature: digest, signature, chain, revocation, key usage')
    .requiredOption('--in <file>', 'the signed data')
    .requiredOption('--sig <file>', 'the signature (DER or PEM)')
    .requiredOption('--trust <file>', 'trusted root certificate(s), PEM or DER (repeatable)', collect)
    .option('--crl <file>', 'CRL, PEM or DER (repeatable)', collect)
    .option('--cert <file>', 'extra intermediate certificate(s) (repeatable)', collect)
    .option('--at <iso-time>', 'validate the chain at this time, reported as poe "caller" (default: a verified signature timestamp, else now; never the claimed signing time)')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (opts: { in: string; sig: string; trust: string[]; crl?: string[]; cert?: string[]; at?: string; json?: boolean }) => {
      let report: SignatureReport;
      try {
        let at: Date | undefined;
        if (opts.at !== undefined) {
          at = new Date(opts.at);
          if (Number.isNaN(at.getTime())) throw new UsageError(`--at is not an ISO 8601 time: ${opts.at}`);
        }
        const trustAnchors = opts.trust.flatMap((f) => decodeCertificates(readInput(f, 'trust anchor')));
        const crls = (opts.crl ?? []).flatMap((f) => decodeCrls(readInput(f, 'CRL')));
        const intermediates = (opts.cert ?? []).flatMap((f) => decodeCertificates(readInput(f, 'certificate')));
        const signature = signatureDer(readInput(opts.sig, 'signature'));
        const content = readInput(opts.in, 'input');
        report = await verifyDetached(
          signature,
          { content },
          {
            trustAnchors,
            crls,
            intermediates,
            now: new Date(),
            ...(at ? { at } : {}),
          },
        );
      } catch (e) {
        fail(e);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printHuman(report);
      process.exitCode = report.indication === 'TOTAL_PASSED' ? EXIT.passed : report.indication === 'TOTAL_FAILED' ? EXIT.failed : EXIT.indeterminate;
    });
}
