// The MTA's admin REST API (docs in services/mta/README.md). Every change goes
// through MtaAdmin, which stores it for all pods before applying it here.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { normalizeDomain } from '@postline/mta/routing';
import { DomainError } from '@postline/platform/http';
import { MtaAdmin, PolicyOverrideRejected } from './mta-admin';

const TARGET = /^(policy:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}|[A-Za-z0-9.-]+(#\d{1,3})?)$/;

export class SuspendDto {
  /** A domain, a routing key (`domain#shard`) or `policy:<name>`. */
  @IsString()
  @Matches(TARGET, {
    message: 'target must be a domain, a routing key (domain#shard) or policy:<name>',
  })
  target!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

function domainParam(value: string): string {
  const domain = normalizeDomain(value);
  if (!domain) throw new DomainError(400, 'INVALID_DOMAIN', `"${value}" is not a domain name`);
  return domain;
}

function policyName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value)) {
    throw new DomainError(
      400,
      'INVALID_POLICY_NAME',
      `"${value}" is not a policy name (letters, digits, _ . -)`,
    );
  }
  return value;
}

function rejected(e: unknown): never {
  if (e instanceof PolicyOverrideRejected) throw new DomainError(400, e.code, e.message);
  throw e;
}

@Controller('v1')
export class MtaAdminController {
  constructor(@Inject(MtaAdmin) private readonly admin: MtaAdmin) {}

  @Get('queues')
  queues() {
    const destinations = this.admin.queues();
    return {
      destinations,
      totals: {
        ready: destinations.reduce((n, d) => n + d.ready, 0),
        inFlight: destinations.reduce((n, d) => n + d.inFlight, 0),
      },
    };
  }

  @Get('queues/:domain')
  queue(@Param('domain') domain: string) {
    const d = domainParam(domain);
    return { destinations: this.admin.queues().filter((q) => q.domain === d) };
  }

  @Post('queues/:domain/bounce')
  @HttpCode(200)
  async bounce(@Param('domain') domain: string) {
    return {
      domain: domainParam(domain),
      bounced: await this.admin.bounceQueued(domainParam(domain)),
    };
  }

  @Get('suspensions')
  suspensions() {
    return { suspended: this.admin.suspensions() };
  }

  @Post('suspensions')
  @HttpCode(201)
  async suspend(@Body() body: SuspendDto) {
    const target = body.target.toLowerCase();
    await this.admin.suspend(target, body.reason ?? 'suspended by operator');
    return { suspended: target };
  }

  @Delete('suspensions/:target')
  @HttpCode(204)
  async resume(@Param('target') target: string): Promise<void> {
    if (!(await this.admin.resume(target.toLowerCase()))) {
      throw new DomainError(404, 'NOT_SUSPENDED', `${target} is not suspended`);
    }
  }

  @Get('policies')
  policies() {
    return this.admin.policies();
  }

  @Put('policies/:name')
  async putPolicy(@Param('name') name: string, @Body() body: Record<string, unknown>) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new DomainError(
        400,
        'MTA_POLICY_INVALID',
        'the body must be one policy entry as a JSON object',
      );
    }
    const policy = await this.admin.putOverride(policyName(name), body).catch(rejected);
    return { policy };
  }

  @Delete('policies/:name')
  @HttpCode(204)
  async deletePolicy(@Param('name') name: string): Promise<void> {
    if (!(await this.admin.deleteOverride(policyName(name)))) {
      throw new DomainError(404, 'NO_OVERRIDE', `no runtime override named ${name}`);
    }
  }

  @Post('policies/reload')
  @HttpCode(200)
  async reload() {
    return { policies: await this.admin.reload().catch(rejected) };
  }
}
