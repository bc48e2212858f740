import {
  replyForError,
  resultsFromError,
  resultsFromInfo,
  type SmtpErrorLike,
} from './reply-mapping';

/** Builds errors the way nodemailer's smtp-connection reports them. */
function smtpError(message: string, fields: Partial<SmtpErrorLike> = {}): SmtpErrorLike {
  const responseCode = fields.response ? Number(fields.response.slice(0, 3)) : undefined;
  return {
    message: fields.response ? `${message}: ${fields.response}` : message,
    responseCode,
    ...fields,
  };
}

const MX = 'mx.example.com';

describe('reply mapping', () => {
  it('reports every recipient delivered with the peer 250 reply', () => {
    const results = resultsFromInfo(
      { response: '250 2.0.0 Ok: queued as 4F2' },
      ['a@example.com', 'b@example.com'],
      MX,
    );
    expect(results).toEqual([
      {
        recipient: 'a@example.com',
        outcome: 'delivered',
        reply: { code: 250, enhancedCode: '2.0.0', text: 'Ok: queued as 4F2' },
        mxHost: MX,
      },
      {
        recipient: 'b@example.com',
        outcome: 'delivered',
        reply: { code: 250, enhancedCode: '2.0.0', text: 'Ok: queued as 4F2' },
        mxHost: MX,
      },
    ]);
  });

  it('reports a recipient refused at RCPT separately while the others are delivered', () => {
    const refused = smtpError('Recipient command failed', {
      code: 'EENVELOPE',
      response: '550 5.1.1 No such user',
      command: 'RCPT TO',
      recipient: 'b@example.com',
    });
    const results = resultsFromInfo(
      { response: '250 2.0.0 Ok', rejectedErrors: [refused] },
      ['a@example.com', 'b@example.com'],
      MX,
    );
    expect(
      results.map((r) => [r.recipient, r.outcome, r.reply.code, r.reply.enhancedCode]),
    ).toEqual([
      ['a@example.com', 'delivered', 250, '2.0.0'],
      ['b@example.com', 'bounced', 550, '5.1.1'],
    ]);
  });

  it('keeps each recipient reply when all are refused at RCPT, one temporarily', () => {
    const err = smtpError("Can't send mail - all recipients were rejected", {
      code: 'EENVELOPE',
      response: '450 4.2.1 Mailbox busy',
      command: 'RCPT TO',
      rejectedErrors: [
        smtpError('Recipient command failed', {
          code: 'EENVELOPE',
          response: '550 5.1.1 No such user',
          recipient: 'a@example.com',
        }),
        smtpError('Recipient command failed', {
          code: 'EENVELOPE',
          response: '450 4.2.1 Mailbox busy',
          recipient: 'b@example.com',
        }),
      ],
    });
    expect(
      resultsFromError(err, ['a@example.com', 'b@example.com'], MX).map((r) => [
        r.outcome,
        r.reply.enhancedCode,
      ]),
    ).toEqual([
      ['bounced', '5.1.1'],
      ['deferred', '4.2.1'],
    ]);
  });

  it('bounces every recipient on a 5xx after DATA', () => {
    const err = smtpError('Message failed', {
      code: 'EMESSAGE',
      response: '554 5.7.1 Message rejected as spam',
      command: 'DATA',
    });
    expect(
      resultsFromError(err, ['a@example.com', 'b@example.com'], MX).map((r) => r.outcome),
    ).toEqual(['bounced', 'bounced']);
  });

  it('defers on a 4xx at MAIL FROM and keeps the peer reply', () => {
    const err = smtpError('Mail command failed', {
      code: 'EENVELOPE',
      response: '421 4.7.0 Too many connections, try later',
      command: 'MAIL FROM',
    });
    expect(resultsFromError(err, ['a@example.com'], MX)[0]).toMatchObject({
      outcome: 'deferred',
      reply: { code: 421, enhancedCode: '4.7.0', text: 'Too many connections, try later' },
    });
  });

  it.each([
    [
      'a refused connection',
      smtpError('connect ECONNREFUSED 127.0.0.1:25', {
        code: 'ESOCKET',
        syscall: 'connect',
        command: 'CONN',
      }),
      '4.4.1',
    ],
    [
      'a connect timeout',
      smtpError('Connection timeout', { code: 'ETIMEDOUT', command: 'CONN' }),
      '4.4.1',
    ],
    [
      'a missing greeting',
      smtpError('Greeting never received', { code: 'ETIMEDOUT', command: 'CONN' }),
      '4.4.1',
    ],
    [
      'a reset connection',
      smtpError('read ECONNRESET', { code: 'ESOCKET', command: 'CONN' }),
      '4.4.2',
    ],
    [
      'a drop during or after DATA',
      smtpError('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }),
      '4.4.2',
    ],
    [
      'an idle socket timeout',
      smtpError('Timeout', { code: 'ETIMEDOUT', command: 'CONN' }),
      '4.4.2',
    ],
    [
      'an unresolvable MX host',
      smtpError('getaddrinfo ENOTFOUND mx.example.com', { code: 'EDNS', command: 'CONN' }),
      '4.4.3',
    ],
    [
      'a hop name the system resolver cannot resolve',
      smtpError('getaddrinfo ENOTFOUND mx.example.com', {
        code: 'ESOCKET',
        syscall: 'getaddrinfo',
        command: 'CONN',
      }),
      '4.4.3',
    ],
    [
      'a failed TLS handshake',
      smtpError('Error initiating TLS - self-signed certificate', {
        code: 'ETLS',
        command: 'STARTTLS',
      }),
      '4.7.0',
    ],
    ['an unknown failure', new Error('something odd') as SmtpErrorLike, '4.3.0'],
  ])('defers with 451 on %s', (_what, err, enhancedCode) => {
    const [result] = resultsFromError(err, ['a@example.com'], MX);
    expect(result).toMatchObject({
      outcome: 'deferred',
      reply: { code: 451, enhancedCode },
      mxHost: MX,
    });
  });

  it('uses the peer reply a server sent before it closed the connection', () => {
    const err = smtpError('Connection closed unexpectedly', {
      code: 'ECONNECTION',
      response: '421 4.3.2 Service shutting down',
      command: 'CONN',
    });
    expect(replyForError(err)).toEqual({
      code: 421,
      enhancedCode: '4.3.2',
      text: 'Service shutting down',
    });
  });

  it('bounces envelope addresses nodemailer refuses to send', () => {
    expect(
      replyForError(
        smtpError('Invalid recipient "a b@example.com"', { code: 'EENVELOPE', command: 'API' }),
      ),
    ).toMatchObject({ code: 553, enhancedCode: '5.1.3' });
    expect(
      replyForError(smtpError('Invalid sender "x\\ny"', { code: 'EENVELOPE', command: 'API' })),
    ).toMatchObject({ code: 553, enhancedCode: '5.1.7' });
  });
});
