import { CredentialError } from './credential-errors';
import { protoFieldName, validateInput } from './credential-input';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';

const valid = {
  username: 'app-one',
  secret: 'a-long-enough-secret',
  allowedSenderDomains: ['example.com'],
};

async function faultOf(promise: Promise<unknown>): Promise<CredentialError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof CredentialError)) throw new Error(`expected a CredentialError, got ${e}`);
  return e;
}

describe('credential input validation (gRPC path)', () => {
  it('accepts a valid create request and leaves absent optional fields out', async () => {
    const dto = await validateInput(CreateCredentialDto, { ...valid, maxRecipients: undefined });
    expect(dto).toBeInstanceOf(CreateCredentialDto);
    expect(dto).toEqual(valid);
  });

  it('accepts a create request without a secret (the server generates one)', async () => {
    const { secret: _secret, ...rest } = valid;
    await expect(validateInput(CreateCredentialDto, rest)).resolves.toEqual(rest);
  });

  it.each([
    ['secret', { secret: 'short' }, 'secret'],
    ['username', { username: 'a b' }, 'username'],
    ['sender domains', { allowedSenderDomains: [] }, 'allowed_sender_domains'],
    ['sender domain name', { allowedSenderDomains: ['not a domain'] }, 'allowed_sender_domains'],
    ['max recipients', { maxRecipients: 0 }, 'max_recipients'],
    ['messages per minute', { messagesPerMinute: 0 }, 'messages_per_minute'],
  ])('refuses a bad %s naming the .proto field', async (_what, change, field) => {
    const e = await faultOf(
      validateInput(CreateCredentialDto, { ...valid, ...change }, protoFieldName),
    );
    expect(e.code).toBe('INVALID_CREDENTIAL_FIELD');
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(e.message).not.toMatch(/[a-z][A-Z]/);
  });

  it('refuses fields the DTO does not know', async () => {
    const e = await faultOf(validateInput(CreateCredentialDto, { ...valid, admin: true }));
    expect(e.field).toBe('admin');
  });

  it('applies the create rules to the fields of an update', async () => {
    await expect(validateInput(UpdateCredentialDto, {})).resolves.toEqual({});
    const e = await faultOf(
      validateInput(UpdateCredentialDto, { recipientsPerMinute: 0 }, protoFieldName),
    );
    expect(e.field).toBe('recipients_per_minute');
  });
});
