// The pipeline's Kafka topics (see docs/architecture.md). Names are versioned:
// a breaking payload change gets a new topic, never a silent reinterpretation.
export const Topics = {
  render: 'mail.render.v1',
  outbound: 'mail.outbound.v1',
  events: 'mail.events.v1',
  listEvents: 'list.events.v1',
} as const;

/** Where a consumer parks a record it can never handle, with the reason in headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
