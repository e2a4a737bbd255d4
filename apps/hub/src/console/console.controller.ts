import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { findConsoleRoot, readConsoleFile } from './console-files';

/** Nothing loads from elsewhere, nothing runs inline, and no other site may frame the console. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/**
 * The web console for caseworkers, DPOs and administrators: static files from
 * `apps/console/public`, no token needed to load them. The pages call the same API with the
 * viewer's own token, so they show only what the API returns to that viewer.
 */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsoleController {
  private readonly root = findConsoleRoot();

  @Get()
  index(@Res() res: Response) {
    return this.send(res, '');
  }

  @Get('*path')
  file(@Req() req: Request, @Res() res: Response) {
    return this.send(res, req.path.replace(/^\/console\/?/, ''));
  }

  private async send(res: Response, path: string): Promise<void> {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-cache');
    const file = this.root ? await readConsoleFile(this.root, path) : undefined;
    if (!file) {
      res.status(404).type('text/plain').send(this.root ? 'Not found' : 'The console files are missing (apps/console/public).');
      return;
    }
    res.status(200).type(file.contentType).send(file.body);
  }
}
