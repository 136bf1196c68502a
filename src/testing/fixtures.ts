import type { RocketReachProfile } from '../core/schema.js';

// Invented people only: example.com addresses, 555 phone numbers and names
// put together from short lists. Built from the index alone, so the same call
// always gives the same profile.

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Femi',
  'Grace',
  'Hiro',
  'Ines',
  'Jonah',
];
const LAST = [
  'Archer',
  'Bishop',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fontaine',
  'Garza',
  'Holt',
];
const EMPLOYERS = [
  'Example Analytics',
  'Sample Logistics',
  'Demo Health',
  'Placeholder Bank',
];
const TITLES = [
  'Head of Sales',
  'Data Engineer',
  'VP Marketing',
  'Account Executive',
];
const CITIES: [string, string, string, number, number][] = [
  ['Austin', 'Texas', 'US', 30.27, -97.74],
  ['Denver', 'Colorado', 'US', 39.74, -104.99],
  ['Toronto', 'Ontario', 'CA', 43.65, -79.38],
  ['Leeds', 'England', 'GB', 53.8, -1.55],
];

function pick<T>(list: readonly T[], index: number): T {
  return list[index % list.length] as T;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** A 555 number that is the same for the same index and never a real line. */
function phone(index: number, offset: number): string {
  const line = String(100 + ((index * 7 + offset) % 100)).padStart(4, '0');
  return `+1-512-555-${line}`;
}

/**
 * A complete, plausible profile with every documented field filled, about
 * 2.5 KB as JSON. `overrides` replace top-level fields.
 */
export function buildProfile(
  overrides: Partial<RocketReachProfile> = {},
): RocketReachProfile {
  return { ...profileAt(0), ...overrides };
}

/**
 * A Bulk People Lookup delivery: `count` distinct complete profiles, from 1
 * to 100 (the provider's largest bulk request).
 */
export function buildBulk(count: number): RocketReachProfile[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError(
      `buildBulk takes a count from 1 to 100; got ${String(count)}.`,
    );
  }
  return Array.from({ length: count }, (_, index) => profileAt(index));
}

/** A profile as a lookup still in progress sends it: nulls and gaps. */
export function buildSparseProfile(
  overrides: Partial<RocketReachProfile> = {},
) {
  return {
    id: 5550999,
    status: 'searching',
    name: 'Kai Nakamura',
    profile_pic: null,
    linkedin_url: null,
    current_title: null,
    current_employer: 'Example Analytics',
    emails: null,
    phones: [],
    job_history: null,
    ...overrides,
  } satisfies RocketReachProfile;
}

/** A profile whose names and places need more than ASCII. */
export function buildNonAsciiProfile(
  overrides: Partial<RocketReachProfile> = {},
) {
  return buildProfile({
    id: 5550998,
    name: 'Zoë Ångström-Ñúñez 山田 花子',
    city: 'Zürich',
    region: 'Zürich',
    country: 'Schweiz',
    country_code: 'CH',
    current_title: 'Directrice Générale 🚀',
    current_employer: 'Exemple Société Anonyme',
    ...overrides,
  });
}

/** A profile carrying fields that this package's schema does not know yet. */
export function buildProfileWithUnknownFields(
  overrides: Partial<RocketReachProfile> = {},
) {
  return buildProfile({
    id: 5550997,
    seniority_score: 0.82,
    intent_signals: [{ topic: 'data warehousing', strength: 'high' }],
    emails: [
      {
        email: 'future.field@example.com',
        smtp_valid: 'valid',
        type: 'professional',
        deliverability_index: 97,
      },
    ],
    ...overrides,
  });
}

function profileAt(index: number): RocketReachProfile {
  const first = pick(FIRST, index);
  const last = pick(LAST, index + Math.floor(index / FIRST.length));
  const name = `${first} ${last}`;
  const employer = pick(EMPLOYERS, index);
  const domain = `${slug(employer)}.example.com`;
  const [city, region, countryCode, latitude, longitude] = pick(CITIES, index);
  const handle = `${slug(first)}.${slug(last)}${index}`;
  const work = `${handle}@${domain}`;
  const personal = `${handle}@example.com`;

  return {
    id: 5550001 + index,
    status: 'complete',
    profile_list: { id: 1000, name: 'Example Profile List' },
    name,
    profile_pic: `https://images.example.com/${handle}.png`,
    linkedin_url: `https://www.linkedin.example.com/in/${handle}`,
    linkedin_url_active: true,
    location: `${city}, ${region}, ${countryCode}`,
    city,
    region,
    country: countryCode === 'US' ? 'United States' : countryCode,
    country_code: countryCode,
    region_latitude: latitude,
    region_longitude: longitude,
    connections: 500 + index,
    links: {
      linkedin: `https://www.linkedin.example.com/in/${handle}`,
      twitter: `https://twitter.example.com/${handle}`,
    },
    current_title: pick(TITLES, index),
    current_employer: employer,
    current_employer_id: 9000 + (index % EMPLOYERS.length),
    current_employer_domain: domain,
    current_employer_website: `https://${domain}`,
    current_employer_linkedin_url: `https://www.linkedin.example.com/company/${slug(employer)}`,
    current_employer_industry: 'Computer Software',
    job_history: [
      {
        company: employer,
        company_name: employer,
        company_id: 9000 + (index % EMPLOYERS.length),
        company_linkedin_url: `https://www.linkedin.example.com/company/${slug(employer)}`,
        company_city: city,
        company_region: region,
        company_country_code: countryCode,
        department: 'Sales',
        sub_department: 'Account Management',
        title: pick(TITLES, index),
        highest_level: 'Director',
        description: 'Leads a team of account managers across North America.',
        start_date: '2021-03-01',
        end_date: 'Present',
        last_updated: '2026-10-02',
        is_current: true,
      },
      {
        company: 'Former Example Inc',
        company_name: 'Former Example Inc',
        company_id: 8800,
        title: 'Account Manager',
        department: 'Sales',
        start_date: '2016-06-01',
        end_date: '2021-02-28',
        is_current: false,
      },
    ],
    education: [
      {
        school: 'Example State University',
        degree: 'BSc',
        major: 'Economics',
        start: 2008,
        end: 2012,
      },
    ],
    skills: ['Sales', 'Negotiation', 'CRM', 'Forecasting', 'SaaS'],
    birth_year: 1985 + (index % 10),
    npi_data: {
      npi_number: String(1_555_000_000 + index),
      credentials: 'MD',
      license_number: `EX-${100_000 + index}`,
      specialization: 'Internal Medicine',
    },
    tags: 'example',
    recommended_email: work,
    recommended_personal_email: personal,
    recommended_professional_email: work,
    current_work_email: work,
    current_personal_email: personal,
    return_cached_emails: true,
    emails: [
      {
        email: work,
        smtp_valid: 'valid',
        type: 'professional',
        grade: 'A',
        last_validation_check: '2026-11-20T08:15:00Z',
      },
      {
        email: personal,
        smtp_valid: 'accept-all',
        type: 'personal',
        grade: 'B',
        last_validation_check: '2026-11-20T08:15:00Z',
      },
    ],
    phones: [
      {
        number: phone(index, 0),
        e164: phone(index, 0).replace(/-/g, ''),
        country_code: '1',
        type: 'mobile',
        grade: 'A',
        recommended: true,
      },
      {
        number: phone(index, 1),
        e164: phone(index, 1).replace(/-/g, ''),
        country_code: '1',
        extension: '204',
        type: 'direct dial',
        grade: 'B',
        recommended: false,
      },
    ],
    metadata: { crm_id: `lead-${index}` },
  };
}
