// Between the mail.render.v1 payload and the domain: what a RenderRequest must
// carry to be rendered, and the OutboundMessage render hands to the MTA.
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { events } from '@postline/contracts';
import { decodePayload } from '@postline/platform/kafka';
import {
  buildMergeData,
  messageIdFor,
  RenderError,
  type ComplianceSettings,
  type MessageRenderInput,
  type RenderedMessage,
  type TrackingChoice,
} from '@postline/render/domain';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a mail.render.v1 record. Protobuf strings must be UTF-8, but the
 * generated decoder quietly turns bad bytes into U+FFFD, which would put
 * replacement characters in someone's name; here they are refused instead.
 * Bytes that are not a RenderRequest at all stay a PayloadDecodeError.
 */
export function decodeRenderRequest(topic: string, value: Buffer | null): events.RenderRequest {
  if (!value) return decodePayload(events.RenderRequest, topic, value);
  const bytes = value;
  try {
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return events.RenderRequest.decode(new BinaryReader(view, (b) => strictUtf8.decode(b)));
  } catch {
    // Not strictly decodable: either not protobuf at all (thrown from here), or bad UTF-8.
    decodePayload(events.RenderRequest, topic, value);
    throw new RenderError(
      'REQUEST_INVALID',
      'render request holds a string (e.g. merge data) that is not valid UTF-8',
    );
  }
}

/** A RenderRequest with every field rendering depends on present. */
export interface ValidRenderRequest extends events.RenderRequest {
  template: events.TemplateRef;
  recipient: events.Recipient;
}

/** Throws REQUEST_INVALID for a request that can never be rendered. */
export function validateRenderRequest(req: events.RenderRequest): ValidRenderRequest {
  const missing: string[] = [];
  if (!req.requestId) missing.push('request_id');
  if (!req.template?.templateId) missing.push('template.template_id');
  if (!req.template?.version) missing.push('template.version');
  if (!req.recipient) missing.push('recipient');
  if (missing.length > 0) {
    throw new RenderError('REQUEST_INVALID', `render request lacks ${missing.join(', ')}`);
  }
  return req as ValidRenderRequest;
}

/** Tenant of a pipeline request; absent means the default tenant, as on REST. */
export function tenantOf(req: events.RenderRequest): string {
  return req.tenantId || 'default';
}

/**
 * The tracking one message gets: what its campaign asked for, within what the
 * service allows. A request without options (an older producer) gets the
 * service setting for both.
 */
export function effectiveTracking(
  serviceAllows: boolean,
  requested: events.RenderRequest['tracking'],
): TrackingChoice {
  if (!serviceAllows) return { clicks: false, opens: false };
  if (!requested) return { clicks: true, opens: true };
  return { clicks: requested.clicks, opens: requested.opens };
}

export function toMessageInput(
  req: ValidRenderRequest,
  now: Date,
  compliance: ComplianceSettings,
  trackingAllowed = false,
): MessageRenderInput {
  const { recipient } = req;
  return {
    messageId: messageIdFor(req.requestId),
    from: { address: req.fromAddress, name: req.fromName },
    to: { email: recipient.email, name: recipient.name },
    replyTo: req.replyTo || undefined,
    data: buildMergeData(recipient),
    // The request time, not the render time: a re-delivered request renders the same bytes.
    date: req.requestedAt ?? now,
    // Everything on mail.render.v1 is campaign mail, so it always carries the compliance headers.
    campaign: {
      context: {
        tenantId: tenantOf(req),
        campaignId: req.campaignId,
        subscriberId: recipient.subscriberId,
        stream: req.pool || 'default',
      },
      settings: compliance,
      tracking: effectiveTracking(trackingAllowed, req.tracking),
    },
  };
}

export function toOutboundMessage(
  req: ValidRenderRequest,
  rendered: RenderedMessage,
  now: Date,
): events.OutboundMessage {
  return events.OutboundMessage.fromPartial({
    messageId: rendered.messageId,
    tenantId: tenantOf(req),
    routingKey: rendered.routingKey,
    // The signed VERP return path, so the bounce names its message; the From address otherwise.
    envelope: {
      mailFrom: rendered.returnPath ?? req.fromAddress.trim(),
      rcptTo: [req.recipient.email.trim()],
    },
    rawMime: rendered.rawMime,
    attempt: 1,
    firstAttemptAt: now,
    pool: req.pool,
    source: events.MessageSource.MESSAGE_SOURCE_CAMPAIGN,
    campaignId: req.campaignId,
    subscriberId: req.recipient.subscriberId,
    variantId: req.variantId,
  });
}
