// The `templates` collection of the render database: one document per immutable
// template version. The unique (tenantId, templateId, version) index is what
// makes concurrent saves safe without transactions (FerretDB has none).
import { Schema, type InferSchemaType } from 'mongoose';

export const TEMPLATES_COLLECTION = 'templates';

export const templateSchema = new Schema(
  {
    tenantId: { type: String, required: true },
    templateId: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    name: { type: String, default: '' },
    subject: { type: String, required: true },
    html: { type: String, default: '' },
    text: { type: String, default: '' },
    // The MJML source `html` was compiled from, kept so the template can be edited
    // again; empty for templates saved as HTML. Never read when rendering.
    mjml: { type: String, default: '' },
    createdAt: { type: Date, required: true },
  },
  { collection: TEMPLATES_COLLECTION, versionKey: false, strict: true },
);

// Serves both the uniqueness rule and "latest version" lookups (sort version desc).
templateSchema.index(
  { tenantId: 1, templateId: 1, version: -1 },
  { unique: true, name: 'template_version_unique' },
);

export type TemplateDocument = InferSchemaType<typeof templateSchema>;
