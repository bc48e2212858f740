// Protobuf payloads on Kafka: the generated message functions encode and
// decode; a record that does not decode is a permanent fault (dead-letter).
export interface ProtoMessageFns<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: Partial<T>): T;
}

export class PayloadDecodeError extends Error {
  readonly code = 'PAYLOAD_UNDECODABLE';
  constructor(topic: string, cause: unknown) {
    super(
      `record on ${topic} is not a valid protobuf payload: ${(cause as Error)?.message ?? cause}`,
    );
    this.name = 'PayloadDecodeError';
  }
}

export function encodePayload<T>(fns: ProtoMessageFns<T>, message: T): Buffer {
  const bytes = fns.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodePayload<T>(fns: ProtoMessageFns<T>, topic: string, value: Buffer | null): T {
  if (!value) throw new PayloadDecodeError(topic, new Error('empty value'));
  try {
    return fns.decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } catch (e) {
    throw new PayloadDecodeError(topic, e);
  }
}
