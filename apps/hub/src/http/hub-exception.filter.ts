import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { HubError } from '@onestop/domain';

/** HubError codes to HTTP status; the first matching rule wins. */
const STATUS_RULES: Array<[RegExp, number]> = [
  [/^validation\.failed$/, 400],
  [/^auth\.unauthenticated$/, 401],
  [/^auth\.forbidden$|^referral\.wrong-agency$|^policy\.denied$/, 403],
  [/\.not-found$/, 404],
  [/^stream\.version-conflict$/, 409],
  [/^person\.erased$/, 410],
  [/^request\.too-large$/, 413],
  [/^rate\.limited$/, 429],
  [/^store\.unavailable$|^delivery\.unavailable$/, 503],
  [/^(person|consent|referral|agreement|agency|stream)\./, 422],
];

export const statusForCode = (code: string): number => STATUS_RULES.find(([re]) => re.test(code))?.[1] ?? 500;

/** Details that are safe to return (never personal data, never internals). */
function publicDetails(error: HubError): Record<string, unknown> | undefined {
  if (error.code === 'validation.failed') return { fields: error.details?.fields };
  if (error.code === 'stream.version-conflict') return { actualRevision: error.details?.actualRevision };
  if (error.code === 'auth.unauthenticated') return undefined;
  return error.details;
}

/**
 * The one exception filter: maps HubError codes to statuses and writes
 * `{ error: { code, message, fields?, ... } }`. Unknown errors become a 500 without internals;
 * their message is logged without request bodies (which may hold personal data).
 */
@Catch()
export class HubExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HubExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HubError) {
      const status = statusForCode(exception.code);
      if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="onestop-hub"');
      if (status >= 500) this.logger.error(`${exception.code}: ${exception.message}`);
      response.status(status).json({ error: { code: exception.code, message: exception.message, ...publicDetails(exception) } });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = status === 404 ? 'route.not-found' : status === 413 ? 'request.too-large' : status === 400 ? 'request.malformed' : `http.${status}`;
      // A 400 here is Nest's mapping of the JSON parser's SyntaxError (or a badly encoded URL); its message quotes the input.
      const message = status === 400 ? 'the body is not valid JSON, or the URL is badly encoded' : exception.message;
      response.status(status).json({ error: { code, message } });
      return;
    }
    const type = (exception as { type?: string })?.type;
    if (type === 'entity.too.large') {
      response.status(413).json({ error: { code: 'request.too-large', message: 'request body too large' } });
      return;
    }
    if (type === 'entity.parse.failed') {
      response.status(400).json({ error: { code: 'request.malformed', message: 'body is not valid JSON' } });
      return;
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message}` : 'unknown error');
    response.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  }
}
