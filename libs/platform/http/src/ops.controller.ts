// Probe and scrape endpoints every service serves: /healthz (the process is
// alive), /readyz (it can do its job now), /metrics (Prometheus text format).
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { MetricsRegistry } from '@postline/platform/metrics';
import type { ReadinessRegistry } from './readiness';
import { METRICS, READINESS } from './tokens';

@Controller()
export class OpsController {
  constructor(
    @Inject(READINESS) private readonly readiness: ReadinessRegistry,
    @Inject(METRICS) private readonly metrics: MetricsRegistry,
  ) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const report = await this.readiness.report();
    res.status(report.ready ? 200 : 503).json(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
