import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { undocumentedVariables } from '@postline/platform/config';
import { campaignConfigSchema } from './campaign.config';

describe('campaign configuration reference', () => {
  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/configuration.md'), 'utf8');
    expect(undocumentedVariables(campaignConfigSchema, doc)).toEqual([]);
  });
});
