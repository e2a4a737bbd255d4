import { Body, CanActivate, Controller, ExecutionContext, Get, HttpCode, Inject, Injectable, NotFoundException, Optional, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { DemoSignIn } from './demo-sign-in';
import { DemoTokenDto } from './demo-token.dto';

/** Nest token of the demo sign-in; provided (non-null) only when the hub runs the demo. */
export const DEMO_SIGN_IN = Symbol('DemoSignIn');

/** Without the demo, answers 404 exactly as an unknown route does (before any body validation). */
@Injectable()
export class DemoOnlyGuard implements CanActivate {
  constructor(@Optional() @Inject(DEMO_SIGN_IN) private readonly demo: DemoSignIn | null) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.demo) return true;
    const req = context.switchToHttp().getRequest<Request>();
    throw new NotFoundException(`Cannot ${req.method} ${req.path}`);
  }
}

/** The console's demo sign-in: the demo users, and a short-lived token for one of them. */
@ApiExcludeController()
@Public()
@UseGuards(DemoOnlyGuard)
@Controller('console')
export class DemoSignInController {
  constructor(@Optional() @Inject(DEMO_SIGN_IN) private readonly demo: DemoSignIn | null) {}

  @Get('demo-users')
  users(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return { users: this.demo!.users };
  }

  @Post('demo-token')
  @HttpCode(200)
  async token(@Body() body: DemoTokenDto, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return this.demo!.token(body.agency, body.role, body.purpose);
  }
}
