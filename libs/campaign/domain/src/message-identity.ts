// Identifiers shared by campaign, render and the MTA (docs/pipeline-contract.md):
// deterministic, so a re-delivered request maps to the same message everywhere.
import { createHash } from 'node:crypto';

export function renderRequestId(campaignId: string, subscriberId: string): string {
  return `${campaignId}:${subscriberId}`;
}

export function messageIdFor(requestId: string): string {
  return createHash('sha256').update(requestId).digest('hex').slice(0, 32);
}
