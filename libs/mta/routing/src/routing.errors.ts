// Why a recipient domain cannot be routed, as typed errors from one catalogue:
// each carries the SMTP reply the delivery event reports (RFC 3463 enhanced
// codes) and whether a later attempt could succeed.
export interface RoutingReply {
  code: number;
  enhancedCode: string;
  text: string;
}

export const RoutingFailures = {
  // RFC 7505 §4.1: a null MX means the domain accepts no mail; 556 5.1.10 is the prescribed reply.
  NULL_MX: {
    permanent: true,
    reply: {
      code: 556,
      enhancedCode: '5.1.10',
      text: 'recipient domain publishes a null MX and accepts no mail',
    },
  },
  NO_SUCH_DOMAIN: {
    permanent: true,
    reply: { code: 550, enhancedCode: '5.1.2', text: 'recipient domain does not exist' },
  },
  NO_MAIL_HOST: {
    permanent: true,
    reply: {
      code: 550,
      enhancedCode: '5.1.2',
      text: 'recipient domain has neither MX nor address records',
    },
  },
  DNS_TEMPORARY: {
    permanent: false,
    reply: {
      code: 451,
      enhancedCode: '4.4.3',
      text: 'DNS lookup for the recipient domain failed temporarily',
    },
  },
} as const satisfies Record<string, { permanent: boolean; reply: RoutingReply }>;

export type RoutingFailureCode = keyof typeof RoutingFailures;

export class RoutingError extends Error {
  readonly permanent: boolean;
  readonly reply: RoutingReply;

  constructor(
    readonly code: RoutingFailureCode,
    readonly domain: string,
    detail?: string,
  ) {
    const failure = RoutingFailures[code];
    super(`${domain}: ${failure.reply.text}${detail ? ` (${detail})` : ''}`);
    this.name = new.target.name;
    this.permanent = failure.permanent;
    this.reply = { ...failure.reply };
  }
}

export class NullMxError extends RoutingError {
  constructor(domain: string) {
    super('NULL_MX', domain);
  }
}

export class NoSuchDomainError extends RoutingError {
  constructor(domain: string) {
    super('NO_SUCH_DOMAIN', domain);
  }
}

export class NoMailHostError extends RoutingError {
  constructor(domain: string) {
    super('NO_MAIL_HOST', domain);
  }
}

export class DnsTemporaryError extends RoutingError {
  constructor(domain: string, cause: string) {
    super('DNS_TEMPORARY', domain, cause);
  }
}
