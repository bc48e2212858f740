// One delivery attempt of one message (Postfix's smtp delivery agent): sign
// with DKIM, try the destination's hops best first — falling through to the
// next MX only when a host could not be reached at all — and report one
// result per recipient, in the form the record named them.
import type { DkimSignResult } from '@postline/mta/dkim';
import type { DeliveryResult, SmtpDispatcher, SmtpReply } from '@postline/mta/dispatch';
import type { SourcePools } from '@postline/mta/routing';
import type { Destination } from './destinations';
import type { CheckedMessage } from './outbound-record';

/** The reply for "no host of this domain answered" (4.4.1), which lets the next MX have a go. */
const UNREACHABLE = '4.4.1';

export interface AttemptResult {
  results: DeliveryResult[];
  tls: boolean;
  dkimDomain?: string;
  /** The SMTP part was attempted (not decided by routing alone). */
  transacted: boolean;
  seconds: number;
}

export interface AttemptDeps {
  /** Source IP pools; without them the system picks the source address. */
  sourcePools?: Pick<SourcePools, 'next'>;
  dispatcher: Pick<SmtpDispatcher, 'deliver'>;
  signer?: { sign(raw: Buffer): DkimSignResult | Promise<DkimSignResult> };
  onSigned?(outcome: string): void;
}

export async function attemptDelivery(
  checked: CheckedMessage,
  destination: Destination,
  deps: AttemptDeps,
): Promise<AttemptResult> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const original = (results: DeliveryResult[]) =>
    results.map((r) => ({ ...r, recipient: checked.original.get(r.recipient) ?? r.recipient }));
  if (checked.deliverable.length === 0) {
    return { results: checked.refused, tls: false, transacted: false, seconds: 0 };
  }
  const { routeError, route, policy } = destination;
  if (routeError || !route) {
    // Null MX, no such domain (permanent) or a DNS failure (temporary): one verdict for all.
    const reply = routeError?.reply ?? { code: 451, enhancedCode: '4.4.3', text: 'no route yet' };
    const outcome = routeError?.permanent ? 'bounced' : 'deferred';
    const results = checked.deliverable.map((recipient) => ({
      recipient,
      outcome,
      reply,
      mxHost: '',
    })) satisfies DeliveryResult[];
    return {
      results: [...checked.refused, ...original(results)],
      tls: false,
      transacted: false,
      seconds: seconds(),
    };
  }
  const pool = policy.pool ?? (checked.message.pool || 'default');
  const localAddress = deps.sourcePools?.next(pool);
  if (localAddress === null) {
    // Sending from an address outside the pool would spend another pool's reputation: wait instead.
    const reply: SmtpReply = {
      code: 451,
      enhancedCode: '4.3.5',
      text: `source pool "${pool}" is not configured on this MTA`,
    };
    const results = checked.deliverable.map((recipient) => ({
      recipient,
      outcome: 'deferred' as const,
      reply,
      mxHost: '',
    }));
    return {
      results: [...checked.refused, ...original(results)],
      tls: false,
      transacted: false,
      seconds: seconds(),
    };
  }
  const raw = checked.message.rawMime;
  let bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let dkimDomain: string | undefined;
  if (deps.signer) {
    const signed = await deps.signer.sign(bytes);
    deps.onSigned?.(signed.outcome);
    bytes = signed.message;
    if (signed.outcome === 'signed') dkimDomain = signed.domain;
  }
  const envelope = {
    mailFrom: checked.mailFrom,
    rcptTo: checked.deliverable,
    smtpUtf8: checked.message.envelope?.smtputf8 ?? false,
    eightBitMime: checked.message.envelope?.eightBitMime ?? false,
  };
  const options = {
    tls: policy.tls,
    maxMessagesPerConnection: policy.maxMessagesPerConnection,
    localAddress,
  };
  const meta = { tls: false };
  let results: DeliveryResult[] = [];
  for (const hop of route.hops) {
    results = await deps.dispatcher.deliver(hop, envelope, bytes, options, meta);
    const unreachable = results.every(
      (r) => r.outcome === 'deferred' && r.reply.enhancedCode === UNREACHABLE,
    );
    if (!unreachable) break;
  }
  return {
    results: [...checked.refused, ...original(results)],
    tls: meta.tls,
    dkimDomain,
    transacted: true,
    seconds: seconds(),
  };
}
