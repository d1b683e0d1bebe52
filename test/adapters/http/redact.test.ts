// Redaction by shape and by piece: a provider that echoes part of a key, elided or not,
// must not get any of it into a message, while ordinary words stay readable.

import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/adapters/http/redact.js';
import { redactCredentialShapes } from '../../../src/domain/credential-shapes.js';

const KEY = 'sk-admin-SECRETq8Zt4LmW2xKp7f3a9c';

describe('redactCredentialShapes', () => {
  it.each([
    ['OpenAI admin key', `bad key ${KEY}.`, 'bad key sk-admin-***.'],
    ['elided with an ellipsis', 'Incorrect API key provided: sk-admin-SEC…7f3a9c', 'Incorrect API key provided: sk-admin-***'],
    ['elided with dots', 'key sk-admin-SEC...7f3a9c was refused', 'key sk-admin-*** was refused'],
    ['elided with stars then dots', 'key sk-admin-****...9c.', 'key sk-admin-***.'],
    ['only the prefix and a few characters', 'key sk-admin-SEC', 'key sk-admin-***'],
    ['project key', 'sk-proj-abcDEF123_-xyz', 'sk-proj-***'],
    ['service account key', '"sk-svcacct-Zz9"', '"sk-svcacct-***"'],
    ['legacy key', 'sk-AbCdEf1234567890', 'sk-***'],
    ['Anthropic admin key', 'x-api-key=sk-ant-admin01-Qw3rTy-uio', 'x-api-key=sk-ant-admin01-***'],
    ['Anthropic API key', 'sk-ant-api03-abc…XYZ', 'sk-ant-api03-***'],
    ['GitHub tokens', 'ghp_abc123 gho_x ghu_y ghs_zz1 ghr_q github_pat_11AB_cd', 'ghp_*** gho_*** ghu_*** ghs_*** ghr_*** github_pat_***'],
    ['a bearer header', 'authorization: Bearer abc.def-ghi', 'authorization: Bearer ***'],
  ])('masks %s', (_name, text, expected) => {
    expect(redactCredentialShapes(text)).toBe(expected);
  });

  it('leaves prose alone, and masked text as it is', () => {
    const prose = 'risk-free task-sk-x desk-lamp sk-learn: set OPENAI_ADMIN_KEY; keys start with sk-admin- or ghp_';
    expect(redactCredentialShapes(prose)).toBe(prose);
    expect(redactCredentialShapes('sk-admin-*** and Bearer ***')).toBe('sk-admin-*** and Bearer ***');
  });
});

describe('createRedactor', () => {
  it('masks the whole secret first', () => {
    expect(createRedactor([KEY])(`got ${KEY}`)).toBe('got ***');
  });

  it('masks any 6 consecutive characters of a known secret, however they are framed', () => {
    const redact = createRedactor([KEY]);
    expect(redact('key ending in 7f3a9c was refused')).toBe('key ending in *** was refused');
    expect(redact('starts SECRETq8, ends Kp7f3a9c')).toBe('starts ***, ends ***');
    expect(redact('a stretch q8Zt4LmW2 of it')).toBe('a stretch *** of it');
  });

  it('keeps shorter pieces, the public prefix and ordinary words readable', () => {
    const redact = createRedactor([KEY, 'sk-admin-test-secret-0001']);
    const text = 'tail f3a9c; set openai-admin-key; a secret test-secret value';
    expect(redact(text)).toBe(text);
    expect(redact('ends in et-0001')).toBe('ends in ***');
  });
});
