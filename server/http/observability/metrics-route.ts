import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '../../domain/errors.js';
import type { ServiceMetrics } from '../../observability/metrics.js';

/** Where a router is mounted, so the route label is the full pattern (`/api/v1/documents/:id`), not the URL. */
export function markRouteBase(base: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.routeBase = base;
    next();
  };
}

/** Times every request, labelled by its matched route pattern (`unmatched` when no route took it). */
export function measureRequests(metrics: ServiceMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const t = performance.now();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${String(res.locals.routeBase ?? '')}${pattern}` : 'unmatched';
      metrics.observeHttp(route, req.method, res.statusCode, (performance.now() - t) / 1000);
    });
    next();
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics in the Prometheus text format; with a token, only for `Authorization: Bearer <token>`. */
export function metricsHandler(metrics: ServiceMetrics, token: string | undefined): RequestHandler {
  return async (req, res, next) => {
    try {
      if (token !== undefined) {
        const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        if (!given || !sameToken(given, token)) throw new DomainError('ERR_UNAUTHENTICATED', 'metrics need the metrics token (LIENTHONG_METRICS_TOKEN)');
      }
      const text = await metrics.render();
      res.type(metrics.contentType).send(text);
    } catch (e) {
      next(e);
    }
  };
}
