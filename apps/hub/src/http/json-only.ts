import type { NextFunction, Request, Response } from 'express';

/** Methods whose body the hub reads. */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Request bodies are JSON (`Content-Type: application/json`). A body of any other type would be
 * left unread and then refused for the fields it seemed to lack; it is refused for what it is
 * instead: 415 `request.unsupported-media-type`. Requests without a body (a referral's
 * `acknowledge`) need no type.
 */
export function jsonBodiesOnly() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!WITH_BODY.has(req.method) || !hasBody) return next();
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'application/json') return next();
    res.status(415).json({
      error: { code: 'request.unsupported-media-type', message: `the body must be JSON, sent as Content-Type: application/json${type ? ` (not ${type.slice(0, 100)})` : ''}` },
    });
  };
}
