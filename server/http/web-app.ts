import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** web/dist/ of the repository, resolved from dist/server/http/ (where this module runs from). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Paths that belong to the APIs or name a built file: never answered with the web app's page (a miss is a 404). */
const NOT_PAGES = ['/api/', '/axis/', '/assets/', '/openapi.json', '/healthz', '/readyz'];

/**
 * The clerk web app (web/, built by Vite into web/dist/) at `/`: hashed assets cached for a year, the page
 * itself never cached, and every other GET that accepts HTML answered with the page so the app's own routes
 * (`/hop-thu-den`, `/van-ban/…`) survive a reload. Null when the app has not been built.
 */
export function createWebAppRouter(dir: string = WEB_DIST_DIR): Router | null {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return null;
  const router = express.Router();
  const headers = (res: express.Response) => {
    res.set('x-content-type-options', 'nosniff');
    res.set('referrer-policy', 'same-origin');
    res.set(
      'content-security-policy',
      "default-src 'self'; img-src 'self' blob: data:; frame-src 'self' blob:; object-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
    );
  };
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
    }),
  );
  router.use(express.static(dir, { index: false, maxAge: 0, setHeaders: (res) => headers(res) }));
  router.get(/.*/, (req, res, next) => {
    if (NOT_PAGES.some((p) => req.path === p || req.path.startsWith(p)) || !req.accepts('html')) {
      next();
      return;
    }
    headers(res);
    res.set('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
