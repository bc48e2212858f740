// The double opt-in link, `<base>/u/confirm/<token>` (under the `/u/` prefix
// the ingress routes to this service). GET only shows a page with a button,
// so a mail scanner or link preview that fetches the URL confirms nothing;
// the button POSTs to the same URL, which confirms. Answers HTML to a
// browser (Accept), JSON to anything else.
import { Controller, Get, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ListError } from '@postline/list/domain';
import type { Request, Response } from 'express';
import {
  confirmedPage,
  confirmErrorPage,
  confirmFormPage,
  PAGE_HEADERS,
} from '../confirm/confirm-page';
import { ConfirmationService } from '../confirm/confirmation.service';
import { httpStatusOf } from '../list-error-status';
import { ListErrorsInterceptor } from '../list-errors.interceptor';

@Controller('u/confirm')
@UseInterceptors(ListErrorsInterceptor)
export class ConfirmController {
  constructor(private readonly confirmations: ConfirmationService) {}

  @Post(':token')
  @HttpCode(200)
  async confirm(
    @Param('token') token: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: 'confirmed' } | string> {
    const html = wantsHtml(req);
    try {
      const status = await this.confirmations.confirm(this.confirmations.target(token), {
        ip: req.ip,
        userAgent: req.headers['user-agent'],
      });
      if (!html) return { status };
      res.set(PAGE_HEADERS);
      return confirmedPage();
    } catch (e) {
      if (!html || !(e instanceof ListError)) throw e;
      res.set(PAGE_HEADERS).status(httpStatusOf(e.code));
      return confirmErrorPage(e.code);
    }
  }

  @Get(':token')
  show(@Param('token') token: string, @Res() res: Response): void {
    res.set(PAGE_HEADERS);
    try {
      this.confirmations.target(token);
    } catch (e) {
      if (!(e instanceof ListError)) throw e;
      res.status(httpStatusOf(e.code)).send(confirmErrorPage(e.code));
      return;
    }
    res.status(200).send(confirmFormPage());
  }
}

/** A browser submitting the form asks for HTML; API clients and tests do not. */
function wantsHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}
