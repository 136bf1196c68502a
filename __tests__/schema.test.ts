import { payloadSchema, profileSchema } from '../src/index';
import { profile } from './support/fixtures';

describe('profileSchema is as lenient as the provider', () => {
  it('accepts a profile with only an id', () => {
    expect(profileSchema.parse({ id: 1 })).toEqual({ id: 1 });
  });

  it('accepts null for every documented optional field', () => {
    const nulls = Object.fromEntries(
      Object.keys(profileSchema.shape)
        .filter((key) => key !== 'id')
        .map((key) => [key, null]),
    );
    expect(profileSchema.parse({ id: 1, ...nulls })).toEqual({
      id: 1,
      ...nulls,
    });
  });

  it('keeps unknown fields, at the top level and nested', () => {
    const input = profile(1, {
      added_later: 'value',
      emails: [{ email: 'person1@example.com', new_flag: true }],
    });
    expect(profileSchema.parse(input)).toEqual(input);
  });

  it('accepts enumerated values it has never seen', () => {
    const input = profile(1, {
      status: 'reticulating',
      emails: [
        {
          email: 'a@example.com',
          smtp_valid: 'greylisted',
          type: 'alias',
          grade: 'Z',
        },
      ],
      phones: [{ number: '555-0100', type: 'satellite' }],
    });
    expect(profileSchema.safeParse(input).success).toBe(true);
  });

  it.each([
    ['links as an array', { links: ['https://example.com/a'] }],
    [
      'links as an object',
      { links: { linkedin: 'https://example.com/in/a', twitter: null } },
    ],
    ['birth_year as a string', { birth_year: '1980' }],
    ['tags as an array', { tags: ['vip', 'lead'] }],
    [
      'education years as strings',
      { education: [{ school: 'Example U', start: '2001', end: 2005 }] },
    ],
  ])('accepts the variant shapes seen in the wild: %s', (_label, extra) => {
    expect(profileSchema.safeParse(profile(1, extra)).success).toBe(true);
  });

  it.each([
    ['no id', { name: 'x' }, ['id']],
    ['a string id', { id: '1' }, ['id']],
    [
      'an email without its address',
      { id: 1, emails: [{ type: 'personal' }] },
      ['emails', 0, 'email'],
    ],
  ])('rejects %s, pointing at the field', (_label, input, path) => {
    const result = profileSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});

describe('payloadSchema', () => {
  it('accepts one profile or a list of them', () => {
    expect(payloadSchema.parse(profile(1))).toEqual(profile(1));
    expect(payloadSchema.parse([profile(1), profile(2)])).toEqual([
      profile(1),
      profile(2),
    ]);
  });

  it('rejects a list holding something that is not a profile', () => {
    expect(payloadSchema.safeParse([profile(1), 'x']).success).toBe(false);
  });
});
