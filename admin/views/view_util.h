// Inputs and names the admin views share: std::string text fields, the type and school pickers, names
// in the user's language, weekday names, date and time fields.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/view.h"

namespace schoolshare::admin {

template <typename T>
std::string Name(const AdminContext& ctx, const T& named) {  // School, Resource, SchoolClass: name_en in English
  return ctx.lang == Lang::kEn && !named.name_en.empty() ? named.name_en : named.name;
}
std::string WeekdayName(const AdminContext& ctx, int iso_weekday);  // 1 = Monday

bool InputString(const char* id, std::string* value, int flags = 0);
bool InputTextHint(const char* id, const std::string& hint, std::string* value);
// "all types" or one type.
bool TypeCombo(const AdminContext& ctx, const char* id, std::optional<ResourceType>* type);
// The district's schools (with `allow_all`: an "all schools" entry meaning "").
bool SchoolCombo(const AdminContext& ctx, const char* id, std::string* school_id, bool allow_all);
// The district's schools, read once per data generation.
const std::vector<School>& Schools(const AdminContext& ctx);
// Resources of the district, read once per data generation.
const std::vector<Resource>& Resources(const AdminContext& ctx);

// A local date "YYYY-MM-DD" and time "HH:MM" field pair editing an instant; true when it changed to a valid value.
bool DateTimeField(const AdminContext& ctx, const char* id, Instant* t);

}  // namespace schoolshare::admin
