// Pins the bounce table against replies as the large providers word them, and
// the hard/soft rules the list service relies on for suppression.
import { events } from '@postline/contracts';
import { parseSmtpReply, SyntheticReplies } from '@postline/mta/dispatch';
import { classifyReply } from './bounce.classifier';
import { BOUNCE_RULES } from './bounce.rules';
import { PROVIDER_REPLIES } from './fixtures/provider-replies';

const C = events.BounceCategory;

describe('classifyReply on provider replies', () => {
  it('covers at least 40 real-world reply shapes', () => {
    expect(PROVIDER_REPLIES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(PROVIDER_REPLIES.map((f) => [f.behaviour, f] as const))('%s', (_name, fixture) => {
    const reply = parseSmtpReply(fixture.reply);
    expect(reply).toBeDefined();
    const verdict = classifyReply(reply!);
    expect({ category: C[verdict.category], hard: verdict.hard }).toEqual({
      category: C[fixture.category],
      hard: fixture.hard,
    });
  });
});

describe('classifyReply hard and soft rules', () => {
  it('keeps every 4xx soft and not final, even when the text condemns the mailbox', () => {
    const verdict = classifyReply({ code: 450, enhancedCode: '4.1.1', text: 'User unknown' });
    expect(verdict).toMatchObject({
      category: C.BOUNCE_CATEGORY_BAD_MAILBOX,
      hard: false,
      final: false,
    });
  });

  it('marks every 5xx final, hard only for bad-mailbox, bad-domain and inactive-mailbox', () => {
    const hardOnes = [
      { code: 550, enhancedCode: '5.1.1', text: '' },
      { code: 550, enhancedCode: '5.1.2', text: '' },
      { code: 550, enhancedCode: '5.2.1', text: '' },
    ].map(classifyReply);
    const softOnes = [
      { code: 552, enhancedCode: '5.2.2', text: '' },
      { code: 554, enhancedCode: '5.7.1', text: '' },
      { code: 554, enhancedCode: '5.6.0', text: '' },
      { code: 554, enhancedCode: '5.0.0', text: '' },
    ].map(classifyReply);
    expect(hardOnes.every((v) => v.hard && v.final)).toBe(true);
    expect(softOnes.every((v) => !v.hard && v.final)).toBe(true);
  });

  it('classifies a reply at bounce-after as expired: final but never hard', () => {
    const verdict = classifyReply({
      code: 550,
      enhancedCode: '5.1.1',
      text: 'User unknown',
      expired: true,
    });
    expect(verdict).toEqual({
      category: C.BOUNCE_CATEGORY_EXPIRED,
      hard: false,
      final: true,
      rule: 'bounce-after-reached',
    });
  });

  it('lets a blocklist notice under 5.1.1 win over the code, so our IP never costs a subscriber', () => {
    const verdict = classifyReply({
      code: 550,
      enhancedCode: '5.1.1',
      text: 'Client host [203.0.113.7] blocked using zen.spamhaus.org',
    });
    expect(verdict).toMatchObject({ category: C.BOUNCE_CATEGORY_SPAM_BLOCK, hard: false });
  });

  it('falls back to the basic code when the peer sends no enhanced code', () => {
    expect(classifyReply({ code: 556, enhancedCode: '5.0.0', text: '' })).toMatchObject({
      category: C.BOUNCE_CATEGORY_BAD_DOMAIN,
      hard: true,
      rule: 'code-no-mail-accepted',
    });
    expect(classifyReply({ code: 452, text: '' })).toMatchObject({
      category: C.BOUNCE_CATEGORY_QUOTA,
      hard: false,
    });
  });

  it('reports other with the fallback rule when nothing in the table matches', () => {
    expect(classifyReply({ code: 554, enhancedCode: '5.0.0', text: 'Transaction failed' })).toEqual(
      { category: C.BOUNCE_CATEGORY_OTHER, hard: false, final: true, rule: 'fallback-other' },
    );
  });

  it('uses the enhanced class when the basic code is missing', () => {
    expect(classifyReply({ code: 0, enhancedCode: '5.1.1' })).toMatchObject({
      hard: true,
      final: true,
    });
  });
});

describe('classifyReply on the dispatcher synthetic replies', () => {
  const synthetic = [
    ['CONNECT_FAILED', C.BOUNCE_CATEGORY_ROUTING],
    ['CONNECTION_LOST', C.BOUNCE_CATEGORY_ROUTING],
    ['DNS_FAILED', C.BOUNCE_CATEGORY_ROUTING],
    ['TLS_FAILED', C.BOUNCE_CATEGORY_PROTOCOL],
    ['UNKNOWN', C.BOUNCE_CATEGORY_OTHER],
    ['BAD_SENDER', C.BOUNCE_CATEGORY_PROTOCOL],
    ['TOO_BIG', C.BOUNCE_CATEGORY_CONTENT],
  ] as const;

  it.each(synthetic.map(([kind, category]) => [kind, C[category], category] as const))(
    'classifies %s as soft %s',
    (kind, _name, category) => {
      expect(classifyReply(SyntheticReplies[kind])).toMatchObject({ category, hard: false });
    },
  );

  it('hard-bounces BAD_RECIPIENT (553 5.1.3): the address cannot be carried by SMTP at all', () => {
    expect(classifyReply(SyntheticReplies.BAD_RECIPIENT)).toMatchObject({
      category: C.BOUNCE_CATEGORY_BAD_MAILBOX,
      hard: true,
    });
  });
});

describe('BOUNCE_RULES table', () => {
  it('names every rule uniquely, so a rule name identifies one row', () => {
    const names = BOUNCE_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every row at least one condition', () => {
    const empty = BOUNCE_RULES.filter((r) => !r.expired && !r.codes && !r.status && !r.text);
    expect(empty).toEqual([]);
  });

  it('reaches every proto category except unspecified', () => {
    const reached = new Set(BOUNCE_RULES.map((r) => r.category));
    const expected = Object.values(C).filter(
      (v): v is events.BounceCategory =>
        typeof v === 'number' &&
        v !== C.BOUNCE_CATEGORY_UNSPECIFIED &&
        v !== C.UNRECOGNIZED &&
        v !== C.BOUNCE_CATEGORY_OTHER,
    );
    expect(expected.filter((c) => !reached.has(c))).toEqual([]);
  });
});
