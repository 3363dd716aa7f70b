import { readFileSync } from 'node:fs';
import { decodeCertificates, decodeCrls } from '../../crypto/index.js';
import type { Config } from '../config/config.js';
import { DomainError } from '../domain/errors.js';

/** The certificates an operator configured: the roots trusted, and intermediates offered for path building. */
export interface ConfiguredTrust {
  readonly trustAnchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
}

function readAll(variable: string, files: readonly string[], decode: (b: Uint8Array) => Uint8Array[], what: string): Uint8Array[] {
  return files.flatMap((file) => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new DomainError('ERR_CONFIG_INVALID', `invalid configuration: ${variable}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
    }
    try {
      return decode(bytes);
    } catch (e) {
      throw new DomainError('ERR_CONFIG_INVALID', `invalid configuration: ${variable}: ${file} holds no valid ${what} (${(e as { code?: string }).code ?? 'error'})`, { cause: e });
    }
  });
}

/**
 * Reads and checks the configured trust anchors, intermediates and CRL files now (at start, before the
 * database is opened), so a wrong path or a file that is not PEM/DER stops the process with one line.
 */
export function loadConfiguredTrust(config: Config): ConfiguredTrust {
  const trustAnchors = readAll('LIENTHONG_TRUST_ANCHORS', config.trust.anchorFiles, decodeCertificates, 'certificate');
  const intermediates = readAll('LIENTHONG_INTERMEDIATES', config.trust.intermediateFiles, decodeCertificates, 'certificate');
  readAll('LIENTHONG_CRL_FILES', config.trust.crlFiles, decodeCrls, 'CRL');
  return { trustAnchors, intermediates };
}
