import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { corsPolicy } from './corsPolicy.js';
import { errorHandler } from './errorHandler.js';
import { requestLogger } from './requestLogger.js';
import { requestMetrics } from './requestMetrics.js';
import { requireToken } from './requireToken.js';
import { datasetRoutes } from './routes/datasetRoutes.js';
import { docsRoutes } from './routes/docsRoutes.js';
import { evaluationRoutes } from './routes/evaluationRoutes.js';
import { exportRoutes } from './routes/exportRoutes.js';
import { guideRoutes } from './routes/guideRoutes.js';
import { healthRoutes } from './routes/healthRoutes.js';
import { imageRoutes } from './routes/imageRoutes.js';
import { jobRoutes } from './routes/jobRoutes.js';
import { metricsRoutes } from './routes/metricsRoutes.js';
import { qualityRoutes } from './routes/qualityRoutes.js';
import { sampleRoutes } from './routes/sampleRoutes.js';
import { uiRoutes } from './routes/uiRoutes.js';
import { uploadRoutes } from './routes/uploadRoutes.js';
import type { Service } from './Service.js';
import { securityHeaders } from './securityHeaders.js';

/** The Koa application: middleware, then one router per resource. */
export function createApp(service: Service): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(securityHeaders(service.config.corsOrigins.length > 0));
  app.use(corsPolicy(service.config.corsOrigins));
  app.use(requestLogger(service.log));
  app.use(requestMetrics(service.jobs));
  app.use(errorHandler(service.log));
  // Before the body parser: an unauthenticated body is never read.
  app.use(requireToken(service.config.apiToken));
  // An upload's body is its route's to stream, or to refuse with 415 when it is
  // JSON: parsed here first, bad JSON would answer 400 and good JSON be read whole.
  app.use((ctx, next) => {
    if (ctx.path === '/datasets/upload') ctx.disableBodyParser = true;
    return next();
  });
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: service.config.maxBodyBytes,
      encoding: 'utf-8',
    }),
  );
  const router = new Router();
  for (const register of [
    uploadRoutes,
    datasetRoutes,
    evaluationRoutes,
    exportRoutes,
    jobRoutes,
    qualityRoutes,
    sampleRoutes,
    imageRoutes,
    healthRoutes,
    metricsRoutes,
  ])
    register(router, service);
  uiRoutes(router);
  docsRoutes(router);
  guideRoutes(router);
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
