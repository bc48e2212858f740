// Validates gRPC requests with the same DTO classes, and so the same rules and
// messages, as the REST API's validation pipe; a refusal is INVALID_ARGUMENT
// naming every bad field.
import { CampaignError } from '@postline/campaign/domain';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const own = Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}${m}` : m));
    return [...own, ...messages(e.children ?? [], `${prefix}${e.property}.`)];
  });
}

/** The request as a DTO instance; a CampaignError INVALID_ARGUMENT when a field breaks a rule. */
export async function validated<T extends object>(
  dto: ClassConstructor<T>,
  plain: Record<string, unknown>,
): Promise<T> {
  const instance = plainToInstance(dto, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new CampaignError('INVALID_ARGUMENT', messages(errors).join('; '));
  return instance;
}
