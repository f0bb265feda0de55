// The zod schema of the benchmarks' booking payload, shared by the Node benchmark (require) and the browser one
// (a classic script that defines `bookingSchema`): `bookingSchema(z, dateTimeSchema)` for zod 3 or zod 4.
'use strict';

function bookingSchema(z, dateTime) {
  const attendee = z
    .object({
      id: z.string().nullish(),
      email: z.string().nullish(),
      firstname: z.string().nullish(),
      lastname: z.string().nullish(),
      fullname: z.string().nullish(),
      phone: z.string().nullish(),
      timezone: z.string().nullish(),
      language: z.string().nullish(),
    })
    .passthrough();
  const host = z
    .object({
      id: z.string().nullish(),
      email: z.string().nullish(),
      givenName: z.string().nullish(),
      familyName: z.string().nullish(),
      fullName: z.string().nullish(),
      slug: z.string().nullish(),
      picture: z.string().nullish(),
    })
    .passthrough();
  return z
    .object({
      webhookType: z.literal('booking_created'),
      id: z.string(),
      secret: z.string().nullish(),
      start: dateTime,
      end: dateTime,
      location: z.string().nullish(),
      isCancelled: z.boolean().nullish(),
      rescheduledAt: dateTime.nullish(),
      meetingInfo: z.object({ channel: z.string().nullish(), meetingLink: z.string().nullish() }).passthrough().optional(),
      attendees: z.array(attendee).default([]),
      hosts: z.array(host).default([]),
      hostIds: z.array(z.string()).default([]),
      meetingType: z
        .object({
          id: z.string().nullish(),
          slug: z.string().nullish(),
          meetingInfo: z.object({ name: z.string().nullish(), duration: z.number().nullish() }).passthrough().optional(),
          metadata: z.record(z.string(), z.unknown()).optional(),
        })
        .passthrough()
        .optional(),
      meetingTypeId: z.string().nullish(),
      companyId: z.string().nullish(),
      createdAt: dateTime.nullish(),
      updatedAt: dateTime.nullish(),
    })
    .passthrough();

}

if (typeof module === 'object' && module.exports) module.exports = { bookingSchema };
else globalThis.bookingSchema = bookingSchema;
