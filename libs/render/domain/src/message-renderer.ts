// One recipient, one message: validates the addresses, renders the template
// with the merge data, and builds the MIME message with its deterministic id.
// Used by the mail.render consumer and by the gRPC Render call alike.
import { buildMime } from './mime-builder';
import { parseAddress } from './message-identity';
import type { CompiledTemplate, MergeData, RenderedContent } from './template-compiler';

export interface MessageRenderInput {
  messageId: string;
  from: { address: string; name?: string };
  to: { email: string; name?: string };
  replyTo?: string;
  data: MergeData;
  /** Date header; the request time keeps re-renders of the same request identical. */
  date: Date;
}

export interface RenderedMessage extends RenderedContent {
  messageId: string;
  /** mail.outbound.v1 key: the recipient's domain in lower-case ASCII. */
  routingKey: string;
  rawMime: Buffer;
}

export async function renderMessage(
  template: CompiledTemplate,
  input: MessageRenderInput,
): Promise<RenderedMessage> {
  const to = parseAddress(input.to.email, 'RECIPIENT_ADDRESS_INVALID');
  const from = parseAddress(input.from.address, 'SENDER_ADDRESS_INVALID');
  if (input.replyTo) parseAddress(input.replyTo, 'SENDER_ADDRESS_INVALID');
  const content = template.render(input.data);
  const rawMime = await buildMime({
    messageId: input.messageId,
    messageIdDomain: from.asciiDomain,
    from: { address: from.address, name: input.from.name },
    to: { address: to.address, name: input.to.name },
    replyTo: input.replyTo,
    date: input.date,
    ...content,
  });
  return { ...content, messageId: input.messageId, routingKey: to.asciiDomain, rawMime };
}
