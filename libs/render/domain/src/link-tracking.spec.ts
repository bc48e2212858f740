import { addOpenPixel, trackClicks, type TrackingTarget } from './link-tracking';
import { verifyToken } from '@postline/shared/signed-token';

const target: TrackingTarget = {
  claims: { tenant: 'acme', subscriber: 'sub-1', campaign: 'camp-1', message: 'a'.repeat(32) },
  signingSecret: 'test-secret',
  baseUrl: 'https://t.example.test',
};
const CLICK = /href="https:\/\/t\.example\.test\/c\/([A-Za-z0-9_.-]+)"/g;

const clickTokens = (html: string) => [...html.matchAll(CLICK)].map((m) => m[1]);

describe('click tracking', () => {
  it('rewrites http and https links to signed redirects that carry the original URL', () => {
    const html =
      '<a href="https://shop.test/a?x=1&amp;y=2">A</a> <a class="b" href=\'http://b.test/\'>B</a>';
    const out = trackClicks(html, target);
    const tokens = clickTokens(out.replace(/'/g, '"'));
    expect(tokens).toHaveLength(2);
    expect(verifyToken('click', tokens[0], target.signingSecret)).toEqual({
      ...target.claims,
      url: 'https://shop.test/a?x=1&y=2',
    });
    expect(verifyToken('click', tokens[1], target.signingSecret).url).toBe('http://b.test/');
    expect(out).toContain('<a class="b" href=\'https://t.example.test/c/');
    expect(out).not.toContain('shop.test');
  });

  it('leaves mailto, tel, in-page anchors, unsubscribe and opted-out links alone', () => {
    const html = [
      '<a href="mailto:help@sender.test">mail</a>',
      '<a href="tel:+4100000">call</a>',
      '<a href="#top">top</a>',
      '<a href="https://t.example.test/u/token">unsubscribe</a>',
      '<a data-postline-notrack href="https://legal.test/imprint">imprint</a>',
    ].join('');
    expect(trackClicks(html, target)).toBe(html);
  });

  it('produces a token the campaign service rejects once the destination is changed', () => {
    const [token] = clickTokens(trackClicks('<a href="https://a.test/">x</a>', target));
    const [, sig] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...target.claims, url: 'https://evil.test/' }),
    ).toString('base64url');
    expect(() => verifyToken('click', `${forged}.${sig}`, target.signingSecret)).toThrow(
      /bad signature/,
    );
  });
});

describe('open pixel', () => {
  it('inserts a signed 1x1 pixel before </body>', () => {
    const out = addOpenPixel('<html><body><p>x</p></body></html>', target);
    const m =
      /<img src="https:\/\/t\.example\.test\/o\/([^"]+)" width="1" height="1"[^>]*\/><\/body>/.exec(
        out,
      );
    expect(m).not.toBeNull();
    expect(verifyToken('open', m![1], target.signingSecret)).toEqual(target.claims);
  });

  it('appends the pixel to a fragment without a body element', () => {
    expect(addOpenPixel('<p>x</p>', target)).toMatch(
      /^<p>x<\/p><img src="https:\/\/t\.example\.test\/o\//,
    );
  });
});
