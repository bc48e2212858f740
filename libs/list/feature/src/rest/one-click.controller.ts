// The unsubscribe URL of every campaign message, `<base>/u/<token>` (render's
// unsubscribeUrl): POST is RFC 8058 one-click and unsubscribes at once; GET
// shows a confirmation form that POSTs the same body, and changes nothing.
// Answers JSON to mailbox providers and HTML to a person's browser (Accept).
import { Controller, Get, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ListError, ListErrorCode } from '@postline/list/domain';
import type { Request, Response } from 'express';
import { httpStatusOf } from '../list-error-status';
import { ListErrorsInterceptor } from '../list-errors.interceptor';
import {
  bodyKind,
  checkMultipartBody,
  checkUrlencodedBody,
  ONE_CLICK_MAX_BYTES,
  type OneClickBodyCheck,
} from '../unsubscribe/one-click-body';
import { OneClickService, type OneClickStatus } from '../unsubscribe/one-click.service';
import {
  confirmationPage,
  errorPage,
  PAGE_HEADERS,
  resultPage,
} from '../unsubscribe/unsubscribe-page';

@Controller('u')
@UseInterceptors(ListErrorsInterceptor)
export class OneClickController {
  constructor(private readonly oneClick: OneClickService) {}

  @Post(':token')
  @HttpCode(200)
  async unsubscribe(
    @Param('token') token: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: OneClickStatus } | string> {
    const target = this.oneClick.target(token);
    const body = await oneClickBody(req);
    if (!body.ok) throw new ListError(ListErrorCode.InvalidUnsubscribeBody, body.reason);
    const status = await this.oneClick.unsubscribe(target, {
      ip: req.ip,
      userAgent: req.headers['user-agent'],
    });
    if (!wantsHtml(req)) return { status };
    res.set(PAGE_HEADERS);
    return resultPage(status);
  }

  @Get(':token')
  confirm(@Param('token') token: string, @Res() res: Response): void {
    res.set(PAGE_HEADERS);
    try {
      this.oneClick.target(token);
    } catch (e) {
      if (!(e instanceof ListError)) throw e;
      res.status(httpStatusOf(e.code)).send(errorPage());
      return;
    }
    res.status(200).send(confirmationPage());
  }
}

/** Checks the RFC 8058 body; a urlencoded one arrives parsed, a multipart one is read here. */
async function oneClickBody(req: Request): Promise<OneClickBodyCheck> {
  const contentType = req.headers['content-type'];
  switch (bodyKind(contentType)) {
    case 'urlencoded':
      return checkUrlencodedBody(req.body);
    case 'multipart':
      return checkMultipartBody(contentType ?? '', await readBody(req, ONE_CLICK_MAX_BYTES));
    default:
      return {
        ok: false,
        reason: `Content-Type must be application/x-www-form-urlencoded or multipart/form-data with List-Unsubscribe=One-Click (RFC 8058), got ${contentType ? `"${contentType.slice(0, 100)}"` : 'none'}`,
      };
  }
}

function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(
          new ListError(
            ListErrorCode.InvalidUnsubscribeBody,
            `the body is larger than ${limit} bytes; a one-click body is List-Unsubscribe=One-Click`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A browser submitting the confirmation form asks for HTML; mailbox providers do not. */
function wantsHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}
