import express, { type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';
import { errorHandler, notFoundHandler, sendProblem } from './error-mapper.js';
import { buildOpenApiDocument, type OpenApiFragment } from './openapi/document.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { markRouteBase, measureRequests, metricsHandler } from './observability/metrics-route.js';
import { logLevelOf, requestIdOf, withRequestContext } from './observability/request-id.js';

export interface AppDeps {
  readonly logger: Logger;
  /** Limit for JSON bodies; routes that take files set their own limits. */
  readonly jsonBodyBytes: number;
  readonly axisRouter?: Router;
  readonly nodeRouter?: Router;
  readonly openapi: readonly OpenApiFragment[];
  /** True when the service can serve (database reachable). */
  readonly ready: () => Promise<boolean>;
  readonly version?: string;
  /** The clerk web app at `/` (server/http/web-app.ts); mounted after the APIs. */
  readonly webRouter?: Router | null;
  /**
   * GET /metrics (Prometheus text format) and request timings; absent: no /metrics. With `token`, the scrape
   * must send `Authorization: Bearer <token>` (production refuses to serve metrics without one).
   */
  readonly metrics?: { readonly registry: ServiceMetrics; readonly token?: string };
}

/** Builds the Express app without listening, so tests mount it on port 0 (STYLE.md: thin HTTP). */
export function createApp(deps: AppDeps): express.Application {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  if (deps.metrics) app.use(measureRequests(deps.metrics.registry));
  app.use(
    pinoHttp({
      logger: deps.logger,
      quietReqLogger: true,
      genReqId: requestIdOf,
      customLogLevel: logLevelOf,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(express.json({ limit: deps.jsonBodyBytes, strict: true }));
  app.use(withRequestContext);

  const openapi = buildOpenApiDocument(deps.openapi, deps.version ?? '0.1.0');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (await deps.ready().catch(() => false)) res.json({ status: 'ready' });
    else sendProblem(res, { type: 'urn:lienthong:problem:ERR_DATABASE_UNAVAILABLE', title: 'not ready', status: 503, code: 'ERR_DATABASE_UNAVAILABLE', detail: 'database not reachable' });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  if (deps.metrics) app.get('/metrics', metricsHandler(deps.metrics.registry, deps.metrics.token));
  if (deps.axisRouter) app.use('/axis/v1', markRouteBase('/axis/v1'), deps.axisRouter);
  if (deps.nodeRouter) app.use('/api/v1', markRouteBase('/api/v1'), deps.nodeRouter);
  if (deps.webRouter) app.use(deps.webRouter);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
