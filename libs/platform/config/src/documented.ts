// Keeps the configuration reference honest: every variable a schema declares
// must appear in the documentation that operators read.
import type { EnvSchema } from './env-schema';

export function undocumentedVariables(schema: EnvSchema, markdown: string): string[] {
  return Object.keys(schema).filter((name) => !markdown.includes(`\`${name}\``));
}
