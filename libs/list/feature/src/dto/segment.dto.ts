// Bodies of the segment endpoints. Only the envelope is checked here; the
// expression is parsed by the segment service, which names the position of a
// mistake.
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { SEGMENT_LIMITS } from '@postline/list/domain';

export class CreateSegmentDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsString()
  @MaxLength(SEGMENT_LIMITS.maxLength)
  expression!: string;
}

export class UpdateSegmentDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(SEGMENT_LIMITS.maxLength)
  expression?: string;
}

export class SegmentExpressionDto {
  @IsString()
  @MaxLength(SEGMENT_LIMITS.maxLength)
  expression!: string;
}
