import { createHash } from 'node:crypto';
import type { AppearanceTemplate } from './template.js';

/** How many drawn appearances a process keeps (one per agency seal and per signer, a few KB to ~40 KB each). */
const CAPACITY = 64;

const templates = new Map<string, Promise<AppearanceTemplate>>();

/**
 * A key for everything an appearance depends on: strings as they are, byte inputs (font, image) by their
 * SHA-256, so a changed font or image never reuses a stale drawing.
 */
export function templateKey(parts: readonly (string | number | Uint8Array | undefined)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (p instanceof Uint8Array) h.update('b').update(String(p.length)).update(':').update(p);
    else if (p === undefined) h.update('u');
    else {
      const s = typeof p === 'number' ? `n${p.toFixed(3)}` : `s${p}`;
      h.update(String(Buffer.byteLength(s)))
        .update(':')
        .update(s);
    }
  }
  return h.digest('base64');
}

/**
 * The template for `key`, built once with `build` and then reused (least recently used ones are dropped).
 * A failed build is not kept, so the next call tries again.
 */
export function cachedTemplate(key: string, build: () => Promise<AppearanceTemplate>): Promise<AppearanceTemplate> {
  const known = templates.get(key);
  if (known) {
    templates.delete(key);
    templates.set(key, known);
    return known;
  }
  const made = build();
  templates.set(key, made);
  made.catch(() => {
    if (templates.get(key) === made) templates.delete(key);
  });
  while (templates.size > CAPACITY) templates.delete(templates.keys().next().value!);
  return made;
}
