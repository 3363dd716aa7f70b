import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

/**
 * The one pkijs crypto engine of the signing core, over node's WebCrypto. Every module of crypto/ that
 * calls pkijs imports {@link pkijsEngine} (or {@link ensurePkijsEngine}) from here, so the engine is set
 * exactly once, before the first pkijs call (STYLE.md, "Be explicit with pkijs").
 */
export const pkijsEngine: pkijs.CryptoEngine = new pkijs.CryptoEngine({
  name: 'node',
  crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'],
});

pkijs.setEngine('node', pkijsEngine);

/** Returns the engine; importing this module already installed it globally in pkijs. */
export function ensurePkijsEngine(): pkijs.CryptoEngine {
  return pkijsEngine;
}
