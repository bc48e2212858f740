// The tenant of a REST call: header x-postline-tenant, "default" when absent
// (docs/pipeline-contract.md), refused with 400 INVALID_TENANT when malformed.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  DEFAULT_TENANT,
  isValidTenantId,
  ListErrorCode,
  TENANT_ID_RULE,
} from '@postline/list/domain';
import { DomainError } from '@postline/platform/http';
import type { Request } from 'express';

export const TENANT_HEADER = 'x-postline-tenant';

export function tenantFromHeader(value: string | string[] | undefined): string {
  if (value === undefined || value === '') return DEFAULT_TENANT;
  if (typeof value !== 'string' || !isValidTenantId(value)) {
    throw new DomainError(
      400,
      ListErrorCode.InvalidTenant,
      `header ${TENANT_HEADER} must be ${TENANT_ID_RULE}`,
    );
  }
  return value;
}

export const Tenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): string =>
  tenantFromHeader(ctx.switchToHttp().getRequest<Request>().headers[TENANT_HEADER]),
);
