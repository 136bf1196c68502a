import { z } from 'zod';

// The provider marks no field as required, adds fields over time and has sent
// a few of them in more than one shape. So every object passes unknown keys
// through, every documented field accepts null or absence, enumerated values
// stay open strings, and the shapes seen in the wild are accepted as unions.

const text = z.string().nullish();
const integer = z.int().nullish();
const flag = z.boolean().nullish();

/** One email address found for a person. */
export const emailSchema = z.looseObject({
  email: z.string(),
  /** Known values: `valid`, `invalid`, `accept-all`, `unknown`. */
  smtp_valid: text,
  /** Known values: `personal`, `professional`, `disposable`, `role-based`. */
  type: text,
  /** Known values: `A`, `A-`, `B`, and so on. */
  grade: text,
  /** ISO 8601 time of the last validation. */
  last_validation_check: text,
});

/** One phone number found for a person. */
export const phoneSchema = z.looseObject({
  number: z.string(),
  e164: text,
  country_code: text,
  extension: text,
  /** Known values: `mobile`, `direct dial`, `other`. */
  type: text,
  grade: text,
  recommended: flag,
  validity: text,
  premium: flag,
  last_checked: text,
});

/** One position in a person's career. */
export const jobHistorySchema = z.looseObject({
  company: text,
  company_name: text,
  company_id: integer,
  company_linkedin_url: text,
  company_city: text,
  company_region: text,
  company_country_code: text,
  department: text,
  sub_department: text,
  title: text,
  highest_level: text,
  description: text,
  start_date: text,
  /** The word `Present` for the current position. */
  end_date: text,
  last_updated: text,
  is_current: flag,
});

const yearish = z.union([z.int(), z.string()]).nullish();

/** One school a person attended. */
export const educationSchema = z.looseObject({
  school: text,
  degree: text,
  major: text,
  start: yearish,
  end: yearish,
});

/**
 * One RocketReach profile, as sent for a People Lookup. Only `id` is
 * required: it is what tells a profile apart from any other JSON object.
 */
export const profileSchema = z.looseObject({
  id: z.int(),
  /** `complete` once the lookup has finished; anything else means it has not. */
  status: text,
  /** The saved list the contact was filed under. */
  profile_list: z.looseObject({ id: z.int(), name: z.string() }).nullish(),
  name: text,
  profile_pic: text,
  linkedin_url: text,
  linkedin_url_active: flag,
  location: text,
  city: text,
  region: text,
  country: text,
  country_code: text,
  region_latitude: z.number().nullish(),
  region_longitude: z.number().nullish(),
  connections: integer,
  links: z
    .union([z.record(z.string(), z.string().nullable()), z.array(z.unknown())])
    .nullish(),
  current_title: text,
  current_employer: text,
  current_employer_id: integer,
  current_employer_domain: text,
  current_employer_website: text,
  current_employer_linkedin_url: text,
  current_employer_industry: text,
  job_history: z.array(jobHistorySchema).nullish(),
  education: z.array(educationSchema).nullish(),
  skills: z.array(z.string()).nullish(),
  birth_year: yearish,
  npi_data: z
    .looseObject({
      npi_number: text,
      credentials: text,
      license_number: text,
      specialization: text,
    })
    .nullish(),
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  recommended_email: text,
  recommended_personal_email: text,
  recommended_professional_email: text,
  current_work_email: text,
  current_personal_email: text,
  return_cached_emails: flag,
  emails: z.array(emailSchema).nullish(),
  phones: z.array(phoneSchema).nullish(),
  /** The caller's own data, echoed back from the lookup request. */
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** What a delivery's body holds: one profile, or a list of them (bulk). */
export const payloadSchema = z.union([profileSchema, z.array(profileSchema)]);

/** One RocketReach profile, with unknown fields passed through. */
export type RocketReachProfile = z.infer<typeof profileSchema>;
export type RocketReachEmail = z.infer<typeof emailSchema>;
export type RocketReachPhone = z.infer<typeof phoneSchema>;
export type RocketReachJob = z.infer<typeof jobHistorySchema>;
export type RocketReachEducation = z.infer<typeof educationSchema>;
/** The validated body of a delivery. */
export type RocketReachPayload = z.infer<typeof payloadSchema>;
