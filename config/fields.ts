// Field schemas used across the declarations: names, time zones, times of day, URLs, namespaces.
import { IANAZone } from 'luxon';
import { z } from 'zod';

/** A check, rule, person, schedule or policy name. */
export const objectName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/, 'must be letters, digits, dots, dashes or underscores (at most 128)');
export const timeZone = z
  .string()
  .refine((v) => IANAZone.isValidZone(v), 'is not an IANA time zone such as Europe/London');
export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like 09:00');
export const httpUrl = z.string().refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), 'must be an http(s) URL');

export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const namespaceName = z
  .string()
  .regex(NAMESPACE_PATTERN, 'must be a namespace: lower-case letters, digits and dashes (at most 63)');
export const emailAddress = z
  .string()
  .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an email address like alice@example.com');
