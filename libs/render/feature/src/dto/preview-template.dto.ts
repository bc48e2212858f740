// Body of POST /v1/templates/:templateId/versions/:version/preview.
import { IsObject, IsOptional } from 'class-validator';

export class PreviewTemplateDto {
  /** Merge data exactly as the template sees it, e.g. { first_name, email, subscriber: { id } }. */
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}
