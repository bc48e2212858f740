import { compileBackoffRules, enhancedPatternProblem, textPatternProblem } from './backoff-rules';

describe('compileBackoffRules', () => {
  const matches = compileBackoffRules([
    { codes: [421] },
    { enhanced: ['4.7.*'] },
    { text: ['rate limit', '/too many (connections|messages)/'] },
    { codes: [450], text: ['greylisted'] },
  ]);

  it('matches a reply by basic code', () => {
    expect(matches({ code: 421, enhancedCode: '4.3.2', text: 'shutting down' })).toBe(true);
  });

  it('matches an enhanced code against a wildcard pattern', () => {
    expect(matches({ code: 451, enhancedCode: '4.7.0', text: 'try later' })).toBe(true);
    expect(matches({ code: 451, enhancedCode: '4.7.28', text: 'try later' })).toBe(true);
    expect(matches({ code: 451, enhancedCode: '4.4.2', text: 'try later' })).toBe(false);
  });

  it('matches text as a case-insensitive substring or regular expression', () => {
    expect(matches({ code: 452, enhancedCode: '4.2.2', text: 'You are RATE LIMITED' })).toBe(true);
    expect(matches({ code: 452, enhancedCode: '4.2.2', text: 'Too Many Connections' })).toBe(true);
    expect(matches({ code: 452, enhancedCode: '4.2.2', text: 'mailbox full' })).toBe(false);
  });

  it('requires every criterion of one rule to match', () => {
    expect(matches({ code: 450, enhancedCode: '4.2.0', text: 'greylisted, come back' })).toBe(true);
    expect(matches({ code: 450, enhancedCode: '4.2.0', text: 'mailbox busy' })).toBe(false);
    expect(matches({ code: 451, enhancedCode: '4.2.0', text: 'greylisted' })).toBe(false);
  });

  it('does not match a reply that lacks the field a rule looks at', () => {
    expect(compileBackoffRules([{ enhanced: ['4.*.*'] }])({ code: 451 })).toBe(false);
    expect(compileBackoffRules([{ text: ['limit'] }])({ code: 451 })).toBe(false);
  });

  it('never matches with a rule that has no criteria', () => {
    expect(compileBackoffRules([{}])({ code: 421, enhancedCode: '4.7.0', text: 'x' })).toBe(false);
    expect(compileBackoffRules([])({ code: 421 })).toBe(false);
  });
});

describe('pattern checks', () => {
  it('accepts enhanced patterns of class 4 or 5 with numbers or wildcards', () => {
    for (const ok of ['4.7.*', '4.*.*', '5.7.1', '4.7.28']) {
      expect(enhancedPatternProblem(ok)).toBeUndefined();
    }
    for (const bad of ['4.7', '2.0.0', '4.7.x', '*.*.*', '4.7.1.2', '4.7.1234']) {
      expect(enhancedPatternProblem(bad)).toMatch(/not an enhanced status pattern/);
    }
  });

  it('refuses an empty text and an invalid regular expression', () => {
    expect(textPatternProblem('rate limit')).toBeUndefined();
    expect(textPatternProblem('/a+b/')).toBeUndefined();
    expect(textPatternProblem('  ')).toBe('is empty');
    expect(textPatternProblem('/(unclosed/')).toMatch(/not a valid regular expression/);
  });
});
