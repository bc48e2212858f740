// The tracking endpoints render links to (`POSTLINE_TRACKING_BASE_URL`):
// `GET /c/<token>` redirects the reader to the signed destination and records a
// click; `GET /o/<token>` answers the 1x1 open pixel and records an open. A
// garbled token is 400, a forged one (or one of another purpose) 403, and
// neither records anything. HEAD requests (link scanners) are answered the
// same way but record nothing.
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { CampaignError, TRANSPARENT_GIF, type HitKind } from '@postline/campaign/domain';
import { DomainError } from '@postline/platform/http';
import type { Request, Response } from 'express';
import { TrackingHits } from './tracking-hits.service';

/** Neither the redirect nor the pixel may be cached: each view and click is a hit of its own. */
const NO_CACHE = {
  'Cache-Control': 'no-store, no-cache, must-revalidate, max-age=0',
  Pragma: 'no-cache',
  Expires: '0',
};

@Controller()
export class TrackingController {
  constructor(private readonly hits: TrackingHits) {}

  @Get('c/:token')
  async click(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const hit = this.verify('click', token);
    // The reader goes on even when the click is not confirmed: a lost count is
    // better than a link that does not work (counted as unconfirmed).
    if (req.method === 'GET') await this.hits.record(hit);
    // The token names the subscriber; the destination must not see it as Referer.
    res.set({ ...NO_CACHE, 'Referrer-Policy': 'no-referrer' });
    res.redirect(302, hit.destination!);
  }

  @Get('o/:token')
  async open(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const hit = this.verify('open', token);
    const recorded = req.method !== 'GET' || (await this.hits.record(hit));
    res.set(NO_CACHE);
    // Unconfirmed: 503 rather than a 200 for an open we may not have, so the mail
    // client can load the pixel again the next time the message is shown.
    if (!recorded) {
      res.status(503).end();
      return;
    }
    res.status(200).type('image/gif').send(TRANSPARENT_GIF);
  }

  private verify(kind: HitKind, token: string) {
    try {
      return this.hits.verify(kind, token);
    } catch (e) {
      if (e instanceof CampaignError) throw new DomainError(e.status, e.code, e.message);
      throw e;
    }
  }
}
