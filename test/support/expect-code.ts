import { expect } from 'chai';
import { isCryptoError } from '../../crypto/errors.js';

/** Awaits `p` and asserts that it rejects with a CryptoError of `code` (the closed code, never the message). */
export async function expectCryptoCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isCryptoError(e), String(e)).to.equal(true);
    expect((e as { code: string }).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}
