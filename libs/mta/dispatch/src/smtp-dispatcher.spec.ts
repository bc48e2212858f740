// Integration: SmtpDispatcher against real SMTP peers over sockets on 127.0.0.1 —
// scripted peers that record what arrives, refuse, defer or drop the connection.
// (Delivery into the Mailpit sink is proven through the service in services/mta/test.)
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import type { NextHop } from '@postline/mta/routing';
import { ScriptedSmtpPeer } from '@postline/mta/testing';
import { eventually, freePort } from '@postline/platform/testing';
import { SmtpDispatcher, type SmtpDispatcherOptions } from './smtp-dispatcher';

const options: SmtpDispatcherOptions = {
  ehloName: 'mta.postline.test',
  maxMessagesPerConnection: 100,
  connectionTimeoutMs: 2000,
  greetingTimeoutMs: 2000,
  socketTimeoutMs: 5000,
};

function hopTo(port: number, host = '127.0.0.1'): NextHop {
  return { host, port, via: 'override', local: true };
}

function message(subject: string, body = 'Hello.\r\n'): Buffer {
  return Buffer.from(
    `From: sender@postline.test\r\nTo: rcpt@dispatch.test\r\nSubject: ${subject}\r\nMessage-ID: <${randomUUID()}@postline.test>\r\n\r\n${body}`,
  );
}

const envelope = (...rcptTo: string[]) => ({ mailFrom: 'bounces@postline.test', rcptTo });

describe('SmtpDispatcher', () => {
  let dispatcher: SmtpDispatcher;
  const peers: ScriptedSmtpPeer[] = [];
  const startPeer = async (script: Parameters<typeof ScriptedSmtpPeer.start>[0]) => {
    const peer = await ScriptedSmtpPeer.start(script);
    peers.push(peer);
    return peer;
  };

  beforeEach(() => {
    dispatcher = new SmtpDispatcher(options);
  });
  afterEach(async () => {
    await dispatcher.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });

  it('delivers the raw MIME byte for byte, dot-stuffed on the wire', async () => {
    const peer = await startPeer({});
    // A line starting with "." must survive dot-stuffing.
    const raw = message('byte for byte', 'first line\r\n.leading dot\r\nlast line\r\n');
    const results = await dispatcher.deliver(hopTo(peer.port), envelope('rcpt@dispatch.test'), raw);
    expect(results).toEqual([
      {
        recipient: 'rcpt@dispatch.test',
        outcome: 'delivered',
        reply: expect.objectContaining({ code: 250 }),
        mxHost: '127.0.0.1',
      },
    ]);
    expect(peer.transactions).toHaveLength(1);
    expect(peer.transactions[0].rcptTo).toEqual(['rcpt@dispatch.test']);
    expect(peer.transactions[0].data?.equals(raw)).toBe(true);
  });

  it('announces BODY=8BITMIME for an 8-bit body when the peer offers it', async () => {
    const peer = await startPeer({});
    const raw = message('8bit', 'Grüße aus Köln\r\n');
    const [result] = await dispatcher.deliver(
      hopTo(peer.port),
      { ...envelope('rcpt@dispatch.test'), eightBitMime: true },
      raw,
    );
    expect(result.outcome).toBe('delivered');
    expect(peer.transactions[0].mailParams).toMatch(/\bBODY=8BITMIME\b/);
    expect(peer.transactions[0].data?.equals(raw)).toBe(true);
  });

  it('sends an SMTPUTF8 message with the SMTPUTF8 keyword to a peer that offers it', async () => {
    const peer = await startPeer({ extensions: ['8BITMIME', 'SMTPUTF8'] });
    const [result] = await dispatcher.deliver(
      hopTo(peer.port),
      { mailFrom: 'bounces@postline.test', rcptTo: ['josé@dispatch.test'], smtpUtf8: true },
      message('utf8'),
    );
    expect(result.outcome).toBe('delivered');
    expect(peer.transactions[0].rcptTo).toEqual(['josé@dispatch.test']);
    expect(peer.transactions[0].mailParams).toMatch(/\bSMTPUTF8\b/);
  });

  it('bounces an SMTPUTF8 message with 550 5.6.7 when the peer does not offer SMTPUTF8, sending nothing', async () => {
    const peer = await startPeer({ extensions: ['8BITMIME'] });
    const results = await dispatcher.deliver(
      hopTo(peer.port),
      { mailFrom: 'bounces@postline.test', rcptTo: ['josé@dispatch.test'], smtpUtf8: true },
      message('no utf8'),
    );
    expect(results).toEqual([
      {
        recipient: 'josé@dispatch.test',
        outcome: 'bounced',
        reply: expect.objectContaining({ code: 550, enhancedCode: '5.6.7' }),
        mxHost: '127.0.0.1',
      },
    ]);
    expect(peer.transactions).toEqual([]);
    // The session was not spoiled: an ASCII message goes out on it.
    const [next] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('rcpt@dispatch.test'),
      message('ascii'),
    );
    expect(next.outcome).toBe('delivered');
    expect(peer.connections).toBe(1);
  });

  it('bounces a recipient the peer refuses with 550 5.1.1 at RCPT, sending no data', async () => {
    const peer = await startPeer({
      rcptTo: () => '550 5.1.1 <nobody@dispatch.test>: Recipient address rejected',
    });
    const [result] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('nobody@dispatch.test'),
      message('refused'),
    );
    expect(result).toEqual({
      recipient: 'nobody@dispatch.test',
      outcome: 'bounced',
      reply: {
        code: 550,
        enhancedCode: '5.1.1',
        text: '<nobody@dispatch.test>: Recipient address rejected',
      },
      mxHost: '127.0.0.1',
    });
    expect(peer.transactions).toEqual([]);
  });

  it('reports each recipient of a multi-recipient envelope on its own', async () => {
    const peer = await startPeer({
      rcptTo: (to) =>
        to.startsWith('gone')
          ? '550 5.1.1 No such user'
          : to.startsWith('full')
            ? '452 4.2.2 Mailbox full'
            : '250 2.1.5 Ok',
    });
    const results = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('ok@dispatch.test', 'gone@dispatch.test', 'full@dispatch.test'),
      message('multi'),
    );
    expect(
      results.map((r) => [r.recipient, r.outcome, r.reply.code, r.reply.enhancedCode]),
    ).toEqual([
      ['ok@dispatch.test', 'delivered', 250, '2.0.0'],
      ['gone@dispatch.test', 'bounced', 550, '5.1.1'],
      ['full@dispatch.test', 'deferred', 452, '4.2.2'],
    ]);
    expect(peer.delivered.map((t) => t.rcptTo)).toEqual([['ok@dispatch.test']]);
  });

  it('defers on a 451 at RCPT', async () => {
    const peer = await startPeer({ rcptTo: () => '451 4.7.1 Greylisted, try again later' });
    const [result] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('a@dispatch.test'),
      message('greylisted'),
    );
    expect(result).toMatchObject({
      outcome: 'deferred',
      reply: { code: 451, enhancedCode: '4.7.1', text: 'Greylisted, try again later' },
    });
  });

  it('bounces every recipient when the message is refused after DATA', async () => {
    const peer = await startPeer({ data: () => '554 5.7.1 Message rejected' });
    const results = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('a@dispatch.test', 'b@dispatch.test'),
      message('spammy'),
    );
    expect(results.map((r) => [r.outcome, r.reply.code, r.reply.enhancedCode])).toEqual([
      ['bounced', 554, '5.7.1'],
      ['bounced', 554, '5.7.1'],
    ]);
  });

  it('defers with 451 4.4.2 when the peer disconnects during DATA', async () => {
    const peer = await startPeer({ dropDuringData: true });
    const [result] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('a@dispatch.test'),
      message('dropped', 'x'.repeat(64 * 1024)),
    );
    expect(result).toMatchObject({
      outcome: 'deferred',
      reply: { code: 451, enhancedCode: '4.4.2' },
    });
    expect(peer.transactions).toHaveLength(1);
    expect(peer.transactions[0].data).toBeUndefined();
  });

  it('defers with 451 4.4.2 when the peer disconnects after DATA, before its reply', async () => {
    const peer = await startPeer({ data: () => 'disconnect' });
    const [result] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('a@dispatch.test'),
      message('dropped after data'),
    );
    expect(result).toMatchObject({
      outcome: 'deferred',
      reply: { code: 451, enhancedCode: '4.4.2' },
    });
    // The peer has the whole message: a retry may duplicate it, which at-least-once delivery accepts.
    expect(peer.transactions[0]).toMatchObject({ verdict: 'disconnect', data: expect.any(Buffer) });
  });

  it('defers with 451 4.4.1 when nothing listens on the hop, without using up the pool', async () => {
    const hop = hopTo(await freePort());
    // Several refused attempts in a row: a leaked session would hang or throw.
    for (let i = 0; i < 3; i++) {
      const [result] = await dispatcher.deliver(
        hop,
        envelope('a@dispatch.test'),
        message('refused'),
      );
      expect(result).toMatchObject({
        outcome: 'deferred',
        reply: { code: 451, enhancedCode: '4.4.1' },
        mxHost: '127.0.0.1',
      });
    }
  });

  it('defers with 451 4.4.1 when the peer never sends a greeting', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const quick = new SmtpDispatcher({ ...options, greetingTimeoutMs: 200 });
    try {
      const [result] = await quick.deliver(
        hopTo((silent.address() as net.AddressInfo).port),
        envelope('a@dispatch.test'),
        message('silent'),
      );
      expect(result).toMatchObject({
        outcome: 'deferred',
        reply: { code: 451, enhancedCode: '4.4.1' },
      });
    } finally {
      await quick.close();
      silent.close();
    }
  });

  it('reuses a pooled connection per hop and recycles it after maxMessages', async () => {
    const peer = await startPeer({});
    for (let i = 0; i < 3; i++)
      await dispatcher.deliver(
        hopTo(peer.port),
        envelope('a@dispatch.test'),
        message(`pooled ${i}`),
      );
    expect(peer.connections).toBe(1);
    expect(peer.delivered).toHaveLength(3);

    const recycling = new SmtpDispatcher({ ...options, maxMessagesPerConnection: 1 });
    try {
      for (let i = 0; i < 2; i++)
        await recycling.deliver(
          hopTo(peer.port),
          envelope('a@dispatch.test'),
          message(`recycled ${i}`),
        );
    } finally {
      await recycling.close();
    }
    expect(peer.connections).toBe(3);
  });

  it('keeps the session after a refusal at RCPT, resetting the transaction first', async () => {
    const peer = await startPeer({
      rcptTo: (to) => (to.startsWith('gone') ? '550 5.1.1 no such user' : '250 2.1.5 ok'),
    });
    const [refused] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('gone@dispatch.test'),
      message('r1'),
    );
    expect(refused).toMatchObject({ outcome: 'bounced', reply: { code: 550 } });
    const [ok] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('here@dispatch.test'),
      message('r2'),
    );
    expect(ok).toMatchObject({ outcome: 'delivered' });
    expect(peer.connections).toBe(1);
    expect(peer.delivered.map((t) => t.rcptTo)).toEqual([['here@dispatch.test']]);
  });

  it('defers with 451 4.7.0 when TLS is required and the peer offers no STARTTLS', async () => {
    const peer = await startPeer({});
    const [result] = await dispatcher.deliver(
      hopTo(peer.port),
      envelope('a@dispatch.test'),
      message('tls required'),
      { tls: 'required' },
    );
    expect(result).toMatchObject({
      outcome: 'deferred',
      reply: { code: 451, enhancedCode: '4.7.0' },
    });
    expect(peer.transactions).toHaveLength(0);
  });

  it('closes idle sessions after their idle timeout', async () => {
    const peer = await startPeer({});
    const brief = new SmtpDispatcher({ ...options, idleSessionTimeoutMs: 50 });
    try {
      await brief.deliver(hopTo(peer.port), envelope('a@dispatch.test'), message('idle'));
      expect(brief.openSessions).toBe(1);
      await eventually(
        async () => (brief.openSessions === 0 ? true : undefined),
        5000,
        'the idle session to close',
        20,
      );
    } finally {
      await brief.close();
    }
  });

  it('sends the envelope, not the headers, with our EHLO name', async () => {
    const peer = await startPeer({});
    await dispatcher.deliver(
      hopTo(peer.port),
      { mailFrom: '', rcptTo: ['x@other.test'] },
      message('null sender'),
    );
    expect(peer.delivered[0]).toMatchObject({ mailFrom: '', rcptTo: ['x@other.test'] });
    expect(peer.heloNames).toEqual(['mta.postline.test']);
  });

  it('connects from the source address a delivery asks for, and keeps sessions per source address', async () => {
    const peer = await startPeer({});
    await dispatcher.deliver(hopTo(peer.port), envelope('a@dispatch.test'), message('from .2'), {
      localAddress: '127.0.0.2',
    });
    await dispatcher.deliver(hopTo(peer.port), envelope('a@dispatch.test'), message('from .3'), {
      localAddress: '127.0.0.3',
    });
    await dispatcher.deliver(
      hopTo(peer.port),
      envelope('a@dispatch.test'),
      message('from .2 again'),
      {
        localAddress: '127.0.0.2',
      },
    );
    expect(peer.clientAddresses).toEqual(['127.0.0.2', '127.0.0.3']);
    expect(peer.delivered).toHaveLength(3);
  });
});
