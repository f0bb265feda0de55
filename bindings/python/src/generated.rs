// <generated:models> Written by `make generate` from the core's model descriptions; do not edit.
model!(Attendee, core::Attendee, [id, email, firstname, lastname, fullname, phone, timezone, language]);
model!(Host, core::Host, [id, email, given_name, family_name, full_name, slug, picture]);
model!(MeetingInfo, core::MeetingInfo, [channel, meeting_link]);
model!(MeetingTypeInfo, core::MeetingTypeInfo, [name, duration]);
model!(Cancellation, core::Cancellation, [action_source, action_at, action_by, reason]);
event_fields!(NewEmployee, NewEmployee, [id, email, given_name, family_name, company_id, created_at, updated_at]);
event_fields!(FormSubmission, FormSubmission, [id, form_id, submitted_at, company_id]);
// </generated:models>
