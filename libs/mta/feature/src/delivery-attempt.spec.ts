// Pins one delivery attempt with a scripted dispatcher: when the next MX gets
// a go, what is signed and sent, what routing failures answer, and that every
// recipient is reported in the form its record gave.
import { events } from '@postline/contracts';
import type { DkimSignResult } from '@postline/mta/dkim';
import type {
  DeliveryMeta,
  DeliveryOptions,
  DeliveryResult,
  SmtpEnvelope,
  SmtpReply,
} from '@postline/mta/dispatch';
import { BUILTIN_DEFAULTS, PolicyBook } from '@postline/mta/policy';
import {
  DnsTemporaryError,
  NullMxError,
  parseSourcePools,
  type NextHop,
  type RoutingError,
} from '@postline/mta/routing';
import { attemptDelivery, type AttemptDeps } from './delivery-attempt';
import type { Destination } from './destinations';
import { checkOutboundMessage } from './outbound-record';

const OK: SmtpReply = { code: 250, enhancedCode: '2.0.0', text: 'OK' };
const UNREACHABLE: SmtpReply = { code: 421, enhancedCode: '4.4.1', text: 'connection refused' };
const RAW = Buffer.from('From: news@postline.test\r\nSubject: hi\r\n\r\nhello\r\n');

const hop = (host: string): NextHop => ({ host, port: 25, via: 'mx', local: false });

interface Call {
  host: string;
  envelope: SmtpEnvelope;
  bytes: string;
  options?: DeliveryOptions;
}

/** A dispatcher answering each host with one outcome for every recipient. */
function scriptedDispatcher(
  answers: Record<string, { outcome: DeliveryResult['outcome']; reply: SmtpReply; tls?: boolean }>,
) {
  const calls: Call[] = [];
  const dispatcher: AttemptDeps['dispatcher'] = {
    deliver: async (
      h: NextHop,
      envelope: SmtpEnvelope,
      raw: Buffer,
      options?: DeliveryOptions,
      meta?: DeliveryMeta,
    ) => {
      calls.push({ host: h.host, envelope, bytes: raw.toString(), options });
      const answer = answers[h.host];
      if (meta && answer.tls) meta.tls = true;
      return envelope.rcptTo.map((recipient) => ({
        recipient,
        outcome: answer.outcome,
        reply: answer.reply,
        mxHost: h.host,
      }));
    },
  };
  return { dispatcher, calls };
}

function checked(rcptTo: string[]) {
  return checkOutboundMessage(
    events.OutboundMessage.fromPartial({
      messageId: 'msg-1',
      routingKey: 'example.com',
      envelope: { mailFrom: 'news@postline.test', rcptTo },
      rawMime: RAW,
      attempt: 1,
    }),
  );
}

const policy = new PolicyBook(BUILTIN_DEFAULTS, [
  { name: 'strict', match: { domains: ['example.com'] }, tls: 'required' },
]).forDomain('example.com');

function destination(parts: { hosts?: string[]; routeError?: RoutingError }): Destination {
  return {
    key: 'example.com',
    domain: 'example.com',
    route: parts.hosts && { hops: parts.hosts.map(hop), mxHosts: parts.hosts },
    routeError: parts.routeError,
    policy,
    leases: [],
    resolving: false,
    refreshAt: 0,
  };
}

describe('attemptDelivery over MX hops', () => {
  it('tries the next MX when no host answered for any recipient (4.4.1)', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'deferred', reply: UNREACHABLE },
      'mx2.example.com': { outcome: 'delivered', reply: OK },
    });
    const result = await attemptDelivery(
      checked(['a@example.com', 'b@example.com']),
      destination({ hosts: ['mx1.example.com', 'mx2.example.com', 'mx3.example.com'] }),
      { dispatcher },
    );
    expect(calls.map((c) => c.host)).toEqual(['mx1.example.com', 'mx2.example.com']);
    expect(result.results).toEqual([
      { recipient: 'a@example.com', outcome: 'delivered', reply: OK, mxHost: 'mx2.example.com' },
      { recipient: 'b@example.com', outcome: 'delivered', reply: OK, mxHost: 'mx2.example.com' },
    ]);
    expect(result.transacted).toBe(true);
  });

  it('reports the last hop when every hop was unreachable', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'deferred', reply: UNREACHABLE },
      'mx2.example.com': { outcome: 'deferred', reply: UNREACHABLE },
    });
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com', 'mx2.example.com'] }),
      { dispatcher },
    );
    expect(calls).toHaveLength(2);
    expect(result.results).toEqual([
      {
        recipient: 'a@example.com',
        outcome: 'deferred',
        reply: UNREACHABLE,
        mxHost: 'mx2.example.com',
      },
    ]);
  });

  it.each([
    ['a 4xx reply', 'deferred', { code: 451, enhancedCode: '4.7.1', text: 'try again later' }],
    ['a 5xx reply', 'bounced', { code: 550, enhancedCode: '5.1.1', text: 'no such user' }],
    [
      'a 4xx reply of class 4.4 other than 4.4.1',
      'deferred',
      { code: 451, enhancedCode: '4.4.2', text: 'connection dropped' },
    ],
  ] as const)('stays with the first MX after %s', async (_, outcome, reply) => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome, reply },
      'mx2.example.com': { outcome: 'delivered', reply: OK },
    });
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com', 'mx2.example.com'] }),
      { dispatcher },
    );
    expect(calls.map((c) => c.host)).toEqual(['mx1.example.com']);
    expect(result.results).toEqual([
      { recipient: 'a@example.com', outcome, reply, mxHost: 'mx1.example.com' },
    ]);
  });

  it('stays with the first MX when only some recipients were unreachable', async () => {
    const calls: string[] = [];
    const result = await attemptDelivery(
      checked(['a@example.com', 'b@example.com']),
      destination({ hosts: ['mx1.example.com', 'mx2.example.com'] }),
      {
        dispatcher: {
          deliver: async (h, envelope) => {
            calls.push(h.host);
            return [
              { recipient: envelope.rcptTo[0], outcome: 'delivered', reply: OK, mxHost: h.host },
              {
                recipient: envelope.rcptTo[1],
                outcome: 'deferred',
                reply: UNREACHABLE,
                mxHost: h.host,
              },
            ];
          },
        },
      },
    );
    expect(calls).toEqual(['mx1.example.com']);
    expect(result.results.map((r) => r.outcome)).toEqual(['delivered', 'deferred']);
  });

  it('sends with the policy TLS mode and reports whether the session used TLS', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK, tls: true },
    });
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher },
    );
    expect(calls[0].options).toEqual({
      tls: 'required',
      maxMessagesPerConnection: BUILTIN_DEFAULTS.maxMessagesPerConnection,
    });
    expect(calls[0].envelope.mailFrom).toBe('news@postline.test');
    expect(result.tls).toBe(true);
  });

  it('reports no TLS when the session was in the clear', async () => {
    const { dispatcher } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK },
    });
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher },
    );
    expect(result.tls).toBe(false);
  });
});

describe('attemptDelivery signing', () => {
  const signerSaying = (outcome: DkimSignResult['outcome'], domain?: string) => ({
    sign: jest.fn((raw: Buffer): DkimSignResult =>
      outcome === 'signed'
        ? {
            message: Buffer.concat([Buffer.from('DKIM-Signature: d=postline.test\r\n'), raw]),
            outcome,
            domain,
            signatures: 1,
          }
        : { message: raw, outcome, domain, signatures: 0 },
    ),
  });

  it('sends the signed bytes and reports the DKIM domain', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK },
    });
    const signer = signerSaying('signed', 'postline.test');
    const onSigned = jest.fn();
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher, signer, onSigned },
    );
    expect(signer.sign.mock.calls[0][0].equals(RAW)).toBe(true);
    expect(calls[0].bytes).toBe(`DKIM-Signature: d=postline.test\r\n${RAW.toString()}`);
    expect(result.dkimDomain).toBe('postline.test');
    expect(onSigned).toHaveBeenCalledWith('signed');
  });

  it('reports no DKIM domain when the signer had no key for the author domain', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK },
    });
    const onSigned = jest.fn();
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher, signer: signerSaying('no_key', 'postline.test'), onSigned },
    );
    expect(calls[0].bytes).toBe(RAW.toString());
    expect(result.dkimDomain).toBeUndefined();
    expect(onSigned).toHaveBeenCalledWith('no_key');
  });

  it('sends the message as it is without a signer', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK },
    });
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher },
    );
    expect(calls[0].bytes).toBe(RAW.toString());
    expect(result.dkimDomain).toBeUndefined();
  });
});

describe('attemptDelivery routing verdicts', () => {
  const neverCalled: AttemptDeps['dispatcher'] = {
    deliver: () => Promise.reject(new Error('no SMTP attempt expected')),
  };

  it('bounces every recipient with the routing reply when the domain accepts no mail', async () => {
    const result = await attemptDelivery(
      checked(['a@example.com', 'B@Example.com', 'not-an-address']),
      destination({ routeError: new NullMxError('example.com') }),
      { dispatcher: neverCalled },
    );
    const nullMx = { code: 556, enhancedCode: '5.1.10', text: expect.stringContaining('null MX') };
    expect(result.results).toEqual([
      expect.objectContaining({ recipient: 'not-an-address', outcome: 'bounced' }),
      { recipient: 'a@example.com', outcome: 'bounced', reply: nullMx, mxHost: '' },
      { recipient: 'B@Example.com', outcome: 'bounced', reply: nullMx, mxHost: '' },
    ]);
    expect(result).toMatchObject({ tls: false, transacted: false });
  });

  it('defers every recipient with the routing reply when DNS failed temporarily', async () => {
    const result = await attemptDelivery(
      checked(['a@example.com', 'b@example.com']),
      destination({ routeError: new DnsTemporaryError('example.com', 'SERVFAIL') }),
      { dispatcher: neverCalled },
    );
    expect(result.results.map((r) => [r.outcome, r.reply.code, r.reply.enhancedCode])).toEqual([
      ['deferred', 451, '4.4.3'],
      ['deferred', 451, '4.4.3'],
    ]);
    expect(result.transacted).toBe(false);
  });

  it('defers every recipient while no route is known yet', async () => {
    const result = await attemptDelivery(checked(['a@example.com']), destination({}), {
      dispatcher: neverCalled,
    });
    expect(result.results).toEqual([
      {
        recipient: 'a@example.com',
        outcome: 'deferred',
        reply: expect.objectContaining({ code: 451, enhancedCode: '4.4.3' }),
        mxHost: '',
      },
    ]);
  });
});

describe('attemptDelivery recipients', () => {
  it('reports refused recipients with the results of the attempt', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK },
    });
    const result = await attemptDelivery(
      checked(['a@example.com', 'not-an-address']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher },
    );
    expect(calls[0].envelope.rcptTo).toEqual(['a@example.com']);
    expect(result.results).toEqual([
      {
        recipient: 'not-an-address',
        outcome: 'bounced',
        reply: { code: 553, enhancedCode: '5.1.3', text: expect.any(String) },
        mxHost: '',
      },
      { recipient: 'a@example.com', outcome: 'delivered', reply: OK, mxHost: 'mx1.example.com' },
    ]);
  });

  it('returns only the refused recipients, without an SMTP attempt, when none is deliverable', async () => {
    const { dispatcher, calls } = scriptedDispatcher({});
    const result = await attemptDelivery(
      checked(['not-an-address']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher },
    );
    expect(calls).toHaveLength(0);
    expect(result.results.map((r) => [r.recipient, r.outcome])).toEqual([
      ['not-an-address', 'bounced'],
    ]);
    expect(result.transacted).toBe(false);
  });

  it('talks SMTP with the normalised address and reports the one the record named', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': {
        outcome: 'deferred',
        reply: { code: 452, enhancedCode: '4.2.2', text: 'full' },
      },
    });
    const result = await attemptDelivery(
      checked(['Ann@EXAMPLE.COM', 'bob@example.com']),
      destination({ hosts: ['mx1.example.com'] }),
      { dispatcher },
    );
    expect(calls[0].envelope.rcptTo).toEqual(['Ann@example.com', 'bob@example.com']);
    expect(result.results.map((r) => r.recipient)).toEqual(['Ann@EXAMPLE.COM', 'bob@example.com']);
  });
});

describe('attemptDelivery with source IP pools', () => {
  it("connects from the next address of the message's pool", async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK },
    });
    const sourcePools = parseSourcePools('default=192.0.2.10,192.0.2.11');
    for (let i = 0; i < 3; i++) {
      await attemptDelivery(
        checked(['a@example.com']),
        destination({ hosts: ['mx1.example.com'] }),
        {
          dispatcher,
          sourcePools,
        },
      );
    }
    expect(calls.map((c) => c.options?.localAddress)).toEqual([
      '192.0.2.10',
      '192.0.2.11',
      '192.0.2.10',
    ]);
  });

  it('defers with 451 4.3.5 rather than send from outside a pool that is not configured', async () => {
    const { dispatcher, calls } = scriptedDispatcher({
      'mx1.example.com': { outcome: 'delivered', reply: OK },
    });
    const result = await attemptDelivery(
      checked(['a@example.com']),
      destination({ hosts: ['mx1.example.com'] }),
      {
        dispatcher,
        sourcePools: parseSourcePools('transactional=192.0.2.20'),
      },
    );
    expect(calls).toEqual([]);
    expect(result.results).toEqual([
      expect.objectContaining({
        recipient: 'a@example.com',
        outcome: 'deferred',
        reply: expect.objectContaining({ code: 451, enhancedCode: '4.3.5' }),
      }),
    ]);
  });
});
