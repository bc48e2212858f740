// Body of POST /v1/lists.
import { OPTIN_MODES, type OptinMode } from '@postline/list/data-access';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateListDto {
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\x00-\x1f\x7f]*$/, { message: 'name must not contain control characters' })
  name!: string;

  /** `double`: sign-ups stay unconfirmed until the person follows a confirmation link. */
  @IsOptional()
  @IsIn(OPTIN_MODES, { message: `optin must be one of: ${OPTIN_MODES.join(', ')}` })
  optin?: OptinMode;
}
