import { complianceHeaders, type ComplianceSettings } from './compliance-headers';
import { verifyReturnPath, verifyToken } from '@postline/shared/signed-token';

const settings: ComplianceSettings = {
  signingSecret: 'test-secret',
  trackingBaseUrl: 'https://t.example.test/',
  bounceDomain: 'bounces.example.test',
  unsubscribeMailtoDomain: '',
};
const messageId = '0123456789abcdef0123456789abcdef';
const ctx = { tenantId: 'acme', campaignId: 'camp-1', subscriberId: 'sub-1', stream: 'marketing' };

const header = (out: ReturnType<typeof complianceHeaders>, key: string) =>
  out.headers.find((h) => h.key === key)?.value;

describe('compliance headers', () => {
  const out = complianceHeaders(ctx, messageId, 'sender.test', settings);

  it('offers a signed https one-click URL and a mailto in List-Unsubscribe (RFC 8058)', () => {
    const value = header(out, 'List-Unsubscribe')!;
    const m = /^<https:\/\/t\.example\.test\/u\/([^>]+)>,\r\n <mailto:([^>]+)>$/.exec(value);
    expect(m).not.toBeNull();
    expect(verifyToken('unsubscribe', m![1], settings.signingSecret)).toEqual({
      tenant: 'acme',
      subscriber: 'sub-1',
      campaign: 'camp-1',
      message: messageId,
    });
    expect(m![2]).toMatch(
      new RegExp(`^u\\+${messageId}\\.[0-9a-f]{8}@bounces\\.example\\.test\\?subject=unsubscribe$`),
    );
    expect(header(out, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('names the list and the complaint-feedback stream', () => {
    expect(header(out, 'List-Id')).toBe('<camp-1.acme.sender.test>');
    expect(header(out, 'Feedback-ID')).toBe('camp-1:acme:marketing:postline');
  });

  it('returns a signed VERP return path that traces back to the message id', () => {
    const m = /^(b\+[0-9a-f]{32}\.[0-9a-f]{8})@bounces\.example\.test$/.exec(out.returnPath);
    expect(m).not.toBeNull();
    expect(verifyReturnPath(m![1], settings.signingSecret)).toBe(messageId);
  });

  it('falls back to the sender domain for bounces when no bounce domain is set', () => {
    const own = complianceHeaders(ctx, messageId, 'sender.test', { ...settings, bounceDomain: '' });
    expect(own.returnPath).toMatch(/@sender\.test$/);
    expect(header(own, 'List-Unsubscribe')).toContain('@sender.test?subject=unsubscribe>');
  });

  it('neutralises separators in ids so they cannot split Feedback-ID or List-Id', () => {
    const hostile = { ...ctx, campaignId: 'c:1 <x>\r\nBcc: y', tenantId: 'a.b' };
    const o = complianceHeaders(hostile, messageId, 'sender.test', settings);
    expect(header(o, 'Feedback-ID')).toBe('c-1--x---Bcc--y:a-b:marketing:postline');
    for (const h of o.headers) {
      expect(h.value.replace(/\r\n /g, ' ')).not.toMatch(/[\r\n]/);
    }
  });
});
