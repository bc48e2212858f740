// Body of POST /v1/lists.
import { IsString, Length, Matches } from 'class-validator';

export class CreateListDto {
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\x00-\x1f\x7f]*$/, { message: 'name must not contain control characters' })
  name!: string;
}
