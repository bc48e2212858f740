// Operators' REST for SMTP credentials, the same operations as the gRPC
// CredentialService. Answers never contain a secret hash, and a secret only
// when the server generated it (creation or rotation without one).
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { DomainError } from '@postline/platform/http';
import { CredentialAdmin, type CredentialPage, type CredentialView } from './credential-admin';
import { CredentialError } from './credential-errors';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { ListCredentialsDto } from './dto/list-credentials.dto';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';

type WithGeneratedSecret = CredentialView & { generatedSecret?: string };

async function translated<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof CredentialError) throw new DomainError(e.httpStatus, e.code, e.message);
    throw e;
  }
}

@Controller('v1/credentials')
export class CredentialsController {
  constructor(@Inject(CredentialAdmin) private readonly admin: CredentialAdmin) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreateCredentialDto,
    @Headers('x-postline-tenant') tenant?: string,
  ): Promise<WithGeneratedSecret> {
    const { credential, generatedSecret } = await translated(this.admin.create(body, tenant ?? ''));
    return generatedSecret ? { ...credential, generatedSecret } : credential;
  }

  @Get()
  list(@Query() query: ListCredentialsDto): Promise<CredentialPage> {
    return translated(this.admin.list(query));
  }

  @Get(':username')
  get(@Param('username') username: string): Promise<CredentialView> {
    return translated(this.admin.get(username));
  }

  @Patch(':username')
  update(
    @Param('username') username: string,
    @Body() body: UpdateCredentialDto,
  ): Promise<CredentialView> {
    return translated(this.admin.update(username, body));
  }

  @Post(':username/disable')
  @HttpCode(200)
  disable(@Param('username') username: string): Promise<CredentialView> {
    return translated(this.admin.disable(username));
  }

  @Post(':username/rotate-secret')
  @HttpCode(200)
  async rotateSecret(
    @Param('username') username: string,
    @Body() body: RotateSecretDto,
  ): Promise<WithGeneratedSecret> {
    const { credential, generatedSecret } = await translated(
      this.admin.rotateSecret(username, body.secret),
    );
    return generatedSecret ? { ...credential, generatedSecret } : credential;
  }
}
