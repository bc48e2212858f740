import { events } from '@postline/contracts';
import { PayloadDecodeError, decodePayload, encodePayload } from './codec';

describe('protobuf payload codec', () => {
  it('round-trips an OutboundMessage with raw MIME bytes intact', () => {
    const raw = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
    const msg = events.OutboundMessage.fromPartial({
      messageId: 'm1',
      routingKey: 'example.com',
      rawMime: raw,
      attempt: 1,
      envelope: { mailFrom: 'a@b.c', rcptTo: ['x@example.com'] },
    });
    const back = decodePayload(
      events.OutboundMessage,
      'mail.outbound.v1',
      encodePayload(events.OutboundMessage, msg),
    );
    expect(back.messageId).toBe('m1');
    expect(Buffer.from(back.rawMime).equals(raw)).toBe(true);
    expect(back.envelope?.rcptTo).toEqual(['x@example.com']);
  });

  it('names the topic when a record is not protobuf', () => {
    expect(() =>
      decodePayload(events.OutboundMessage, 'mail.outbound.v1', Buffer.from([0xff, 0xff, 0xff])),
    ).toThrow(PayloadDecodeError);
    expect(() => decodePayload(events.OutboundMessage, 'mail.outbound.v1', null)).toThrow(
      'mail.outbound.v1',
    );
  });
});
