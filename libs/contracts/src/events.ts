// Kafka payloads (proto/postline/events/v1), re-exported under one name space.
export {
  BounceCategory,
  DeliveryEvent,
  DeliveryEventType,
  SmtpReply,
  bounceCategoryToJSON,
  deliveryEventTypeToJSON,
} from './generated/postline/events/v1/delivery_event';
export {
  Envelope,
  MessageSource,
  OutboundMessage,
} from './generated/postline/events/v1/outbound_message';
export {
  Recipient,
  RenderRequest,
  TemplateRef,
} from './generated/postline/events/v1/render_request';
export {
  SubscriberEvent,
  SubscriberEventType,
} from './generated/postline/events/v1/subscriber_event';
