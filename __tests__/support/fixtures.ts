// Invented people only: example.com addresses and 555 numbers.

export const SECRET = 'whsec-test-3f9a1c7e5b2d4806';
export const OTHER_SECRET = 'whsec-other-webhook-77e1a0c3';
export const REQUEST_ID = '85c36d54-8c43-4a97-8a7d-782d8a0f938f';

export function profile(id: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    status: 'complete',
    name: `Test Person ${id}`,
    current_title: 'Engineer',
    current_employer: 'Example Corp',
    profile_list: { id: 1000, name: 'Example Profile List' },
    emails: [
      {
        email: `person${id}@example.com`,
        smtp_valid: 'valid',
        type: 'professional',
        grade: 'A',
      },
    ],
    phones: [{ number: '+1 555-010-0199', type: 'mobile', recommended: true }],
    ...extra,
  };
}

/** A distinctive value that must never show up in a log or a response. */
export const PERSONAL_EMAIL = 'person1@example.com';
