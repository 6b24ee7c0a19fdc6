#include "model/booking_form.h"

namespace schoolshare::admin {
namespace {

std::vector<FieldError> FieldErrors(Store& replica, const BookingForm& form, Lang lang) {
  std::vector<FieldError> out;
  auto add = [&](const char* field, const char* key, const std::map<std::string, std::string>& params = {}) {
    out.push_back({field, Tr(lang, key, params)});
  };
  if (form.resource_id.empty()) {
    add("resource_id", "admin.form.resource_missing");
  } else if (auto r = replica.GetResource(form.resource_id); !r.ok()) {
    add("resource_id", "admin.form.resource_unknown", {{"id", form.resource_id}});
  } else if (r->is_equipment() && form.quantity < 1) {
    add("quantity", "admin.form.quantity_missing");
  }
  if (form.school_id.empty()) add("school_id", "admin.form.school_missing");
  if (form.title.empty()) add("title", "admin.form.title_missing");
  if (form.attendees < 0) add("attendees", "admin.form.negative");
  if (form.quantity < 0) add("quantity", "admin.form.negative");
  if (form.start == 0 || form.end == 0) {
    add("end", "admin.form.time_missing");
  } else if (form.end <= form.start) {
    add("end", "admin.form.end_before_start");
  }
  return out;
}

}  // namespace

BookingForm WithAlternative(BookingForm form, const Alternative& alternative) {
  form.resource_id = alternative.resource_id;
  form.start = alternative.start;
  form.end = alternative.end;
  return form;
}

Result<FormCheck> CheckForm(Store& replica, const Clock& clock, const Actor& actor, const BookingForm& form,
                            Lang lang) {
  FormCheck check;
  check.errors = FieldErrors(replica, form, lang);
  for (const FieldError& e : check.errors) check.messages.push_back(e.message);
  if (!check.errors.empty()) return check;
  CreateOptions options;
  options.dry_run = true;
  BookingService service(replica, clock);
  SS_ASSIGN_OR_RETURN(check.outcome, service.Create(form, actor, options));
  for (const Violation& v : check.outcome.violations) check.messages.push_back(DescribeViolation(lang, v));
  return check;
}

}  // namespace schoolshare::admin
