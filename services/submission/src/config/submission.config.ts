// Settings of the submission service (validated at boot; see README "Configuration").
import { platformSchema, type ConfigOf, type EnvSchema } from '@postline/platform/config';

export const submissionConfigSchema = {
  ...platformSchema,
  POSTLINE_HTTP_PORT: { ...platformSchema.POSTLINE_HTTP_PORT, default: '38104' },
  POSTLINE_GRPC_PORT: { ...platformSchema.POSTLINE_GRPC_PORT, default: '38114' },
  POSTLINE_SUBMISSION_DB: {
    kind: 'string',
    default: 'postline_submission',
    doc: 'MongoDB database owned by the submission service',
  },
} satisfies EnvSchema;

export type SubmissionConfig = ConfigOf<typeof submissionConfigSchema>;
