// Operators' REST for SMTP credentials. The answer never contains the secret
// or its hash.
import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { DomainError } from '@postline/platform/http';
import { hashSecret } from '@postline/submission/domain';
import { CredentialStore, DuplicateUsernameError } from './credential.store';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { SUBMISSION_SETTINGS, type SubmissionFeatureSettings } from './submission-feature.settings';

export interface CredentialView {
  username: string;
  tenantId: string;
  allowedSenderDomains: string[];
  maxRecipients: number;
  messagesPerMinute: number;
  recipientsPerMinute: number;
  enabled: boolean;
}

@Controller('v1/credentials')
export class CredentialsController {
  constructor(
    @Inject(CredentialStore) private readonly store: CredentialStore,
    @Inject(SUBMISSION_SETTINGS) private readonly settings: SubmissionFeatureSettings,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreateCredentialDto,
    @Headers('x-postline-tenant') tenant?: string,
  ): Promise<CredentialView> {
    const view: CredentialView = {
      username: body.username,
      tenantId: tenant || 'default',
      allowedSenderDomains: body.allowedSenderDomains.map((d) => d.toLowerCase()),
      maxRecipients: Math.min(
        body.maxRecipients ?? this.settings.maxRecipients,
        this.settings.maxRecipients,
      ),
      messagesPerMinute: Math.min(
        body.messagesPerMinute ?? this.settings.messagesPerMinute,
        this.settings.messagesPerMinute,
      ),
      recipientsPerMinute: Math.min(
        body.recipientsPerMinute ?? this.settings.recipientsPerMinute,
        this.settings.recipientsPerMinute,
      ),
      enabled: body.enabled ?? true,
    };
    try {
      await this.store.create({
        ...view,
        secret: await hashSecret(body.secret),
        createdAt: new Date(),
      });
    } catch (e) {
      if (e instanceof DuplicateUsernameError) throw new DomainError(409, e.code, e.message);
      throw e;
    }
    return view;
  }
}
