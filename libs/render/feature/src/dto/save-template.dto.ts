// Bodies of POST /v1/templates (a new template, or a new version of the one
// named) and POST /v1/templates/:templateId/versions. The template rules
// (subject required, html or mjml, sizes, merge tags) are the catalogue's, the
// same as over gRPC; this only checks the shape.
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class SaveTemplateDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @IsString()
  subject!: string;

  /** Handlebars HTML; leave out when sending mjml. */
  @IsOptional()
  @IsString()
  html?: string;

  /** Handlebars plain text; left out, it is derived from the rendered HTML. */
  @IsOptional()
  @IsString()
  text?: string;

  /** MJML source (with Handlebars merge tags), compiled to the stored html at save time. */
  @IsOptional()
  @IsString()
  mjml?: string;
}

export class CreateTemplateDto extends SaveTemplateDto {
  /** Left out: a new id (tpl_<16 hex>) is generated. An existing id gets a new version. */
  @IsOptional()
  @IsString()
  templateId?: string;
}
