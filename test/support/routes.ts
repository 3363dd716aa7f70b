import type { Router } from 'express';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name?: string;
  handle?: { stack?: Layer[] };
  matchers?: unknown;
}

/**
 * Lists `METHOD /path` of every route in an Express 5 router, with `:param` written as `{param}` so the
 * list compares with OpenAPI paths. Nested routers must be mounted on literal prefixes given in `mounts`.
 */
export function listRoutes(router: Router, prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
    if (!layer.route) continue;
    const path = `${prefix}${layer.route.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push(`${m.toUpperCase()} ${path}`);
  }
  return out.sort();
}

/** Lists `METHOD /path` of every operation in an OpenAPI document's paths under `prefix`. */
export function listOpenApiOperations(paths: Readonly<Record<string, unknown>>, prefix: string): string[] {
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  const out: string[] = [];
  for (const [p, item] of Object.entries(paths)) {
    if (!p.startsWith(prefix)) continue;
    for (const m of Object.keys(item as object)) if (methods.includes(m)) out.push(`${m.toUpperCase()} ${p}`);
  }
  return out.sort();
}
