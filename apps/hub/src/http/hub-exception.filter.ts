import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { HubError } from '@onestop/domain';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';

/** HubError codes to HTTP status; the first matching rule wins. */
const STATUS_RULES: Array<[RegExp, number]> = [
  [/^validation\.failed$|^request\.too-deep$/, 400],
  [/^auth\.unauthenticated$/, 401],
  [/^auth\.forbidden$|^referral\.wrong-agency$|^policy\.denied$/, 403],
  [/\.not-found$/, 404],
  [/^stream\.version-conflict$/, 409],
  [/^person\.erased$/, 410],
  [/^request\.too-large$/, 413],
  [/^rate\.limited$/, 429],
  [/^store\.unavailable$|^delivery\.unavailable$/, 503],
  [/^(person|consent|referral|agreement|agency|stream|break-glass)\./, 422],
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

  constructor(@Optional() @Inject(HUB_RUNTIME) private readonly runtime?: HubRuntime) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HubError) {
      const status = statusForCode(exception.code);
      if (status === 401) {
        // RFC 6750: a token was sent and refused (invalid_token), or none was sent (no error code).
        const sent = host.switchToHttp().getRequest<Request>().headers.authorization !== undefined;
        response.setHeader('WWW-Authenticate', sent ? 'Bearer realm="onestop-hub", error="invalid_token"' : 'Bearer realm="onestop-hub"');
      }
      if (status >= 500) this.logger.error(`${exception.code}: ${exception.message}`);
      if (status === 401 || status === 403) this.recordRefusal(host, exception, status);
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
    const { status, expose } = (exception ?? {}) as { status?: unknown; expose?: unknown };
    if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
      // Any other refusal by the body parser (a charset or encoding it cannot read, a length that does not match); its message may quote the request.
      response.status(status).json({ error: { code: status === 415 ? 'request.unsupported-media-type' : 'request.malformed', message: 'the request body could not be read' } });
      return;
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message}` : 'unknown error');
    response.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  }

  /**
   * Every refused request goes in the audit log: who (when known), which route and status, why
   * (the failure reason for a 401), and the person by subject reference when the path names one.
   * Never the token, the query or the body.
   */
  private recordRefusal(host: ArgumentsHost, error: HubError, status: number): void {
    if (!this.runtime) return;
    const request = host.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const who = request.principal;
    const personId = request.params?.personId;
    try {
      this.runtime.audit.log.append([
        {
          kind: 'refused',
          at: this.runtime.nowIso(),
          ...(who ? { agencyId: who.agencyId, actor: who.subject, roles: who.roles } : {}),
          ...(typeof personId === 'string' && /^[0-9a-f-]{36}$/i.test(personId) ? { personId } : {}),
          detail: { status, code: error.code, method: request.method, route: request.route?.path ?? 'unmatched', ...(status === 401 ? { reason: error.details?.reason } : {}) },
        },
      ]);
    } catch (failure) {
      this.logger.error(`could not record a refused request: ${(failure as Error).message}`);
    }
  }
}
