import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { undocumentedVariables } from '@postline/platform/config';
import { renderConfigSchema } from './render.config';

describe('render configuration reference', () => {
  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');
    expect(undocumentedVariables(renderConfigSchema, doc)).toEqual([]);
  });
});
