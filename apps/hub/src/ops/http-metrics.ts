import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Metric } from '@onestop/application';

/** Seconds: from a quick read to a request that waited on a slow disk. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Requests the hub answered, by method, route and status, and how long they took. The route is the
 * pattern a request matched (`/v1/people/:id`), never the path it named, so no person id reaches a
 * label; a request that matched no route counts as `unmatched`.
 */
export class HttpMetrics {
  private readonly requests = new Counter('onestop_http_requests_total', 'HTTP requests answered, by method, route pattern and status');
  private readonly durations = new Histogram('onestop_http_request_duration_seconds', 'Time to answer HTTP requests, by method and route pattern', DURATION_BUCKETS);

  /** Express middleware: counts each request when its answer is finished. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        // Each id parameter written `:id`, whatever it names: labels say nothing of what was asked for.
        const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}`.replace(/:[A-Za-z]+Id\b/g, ':id') : 'unmatched';
        const labels = { method: req.method, route };
        this.requests.inc({ ...labels, status: String(res.statusCode) });
        this.durations.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }

  collect(): Metric[] {
    return [this.requests, this.durations];
  }
}
