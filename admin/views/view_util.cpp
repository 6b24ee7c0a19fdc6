#include "views/view_util.h"

#include <imgui.h>

#include <cstdio>

namespace schoolshare::admin {

std::string WeekdayName(const AdminContext& ctx, int iso_weekday) {
  const std::string key = "admin.weekday." + std::to_string(iso_weekday);
  return ctx.T(key.c_str());
}

bool InputString(const char* id, std::string* value, int flags) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", value->c_str());
  if (!ImGui::InputText(id, buf, sizeof buf, flags)) return false;
  *value = buf;
  return true;
}

bool InputTextHint(const char* id, const std::string& hint, std::string* value) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s", value->c_str());
  if (!ImGui::InputTextWithHint(id, hint.c_str(), buf, sizeof buf)) return false;
  *value = buf;
  return true;
}

bool TypeCombo(const AdminContext& ctx, const char* id, std::optional<ResourceType>* type) {
  const std::string current =
      *type ? ctx.T((std::string("resource_type.") + ToString(**type)).c_str()) : ctx.T("admin.all_types");
  bool changed = false;
  if (ImGui::BeginCombo(id, current.c_str())) {
    if (ImGui::Selectable(ctx.T("admin.all_types").c_str(), !type->has_value())) {
      type->reset();
      changed = true;
    }
    for (ResourceType t : {ResourceType::kField, ResourceType::kHall, ResourceType::kLab, ResourceType::kRoom,
                           ResourceType::kEquipment}) {
      const std::string label = ctx.T((std::string("resource_type.") + ToString(t)).c_str());
      if (ImGui::Selectable(label.c_str(), *type == t)) {
        *type = t;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

namespace {
struct Cache {
  const Store* replica = nullptr;
  std::uint64_t generation = ~std::uint64_t{0};
  std::vector<School> schools;
  std::vector<Resource> resources;
};
Cache& CacheFor(const AdminContext& ctx) {
  static Cache cache;
  if (cache.replica != ctx.replica || cache.generation != ctx.data_generation) {
    cache = Cache{ctx.replica, ctx.data_generation, {}, {}};
    if (ctx.replica) {
      if (auto s = ctx.replica->ListSchools(ctx.district_id); s.ok()) cache.schools = std::move(s).value();
      if (auto r = ctx.replica->ListResources(); r.ok()) cache.resources = std::move(r).value();
    }
  }
  return cache;
}
}  // namespace

const std::vector<School>& Schools(const AdminContext& ctx) { return CacheFor(ctx).schools; }
const std::vector<Resource>& Resources(const AdminContext& ctx) { return CacheFor(ctx).resources; }

bool SchoolCombo(const AdminContext& ctx, const char* id, std::string* school_id, bool allow_all) {
  const auto& schools = Schools(ctx);
  std::string current = allow_all ? ctx.T("admin.all_schools") : ctx.T("admin.choose");
  for (const auto& s : schools) {
    if (s.id == *school_id) current = Name(ctx, s);
  }
  bool changed = false;
  if (ImGui::BeginCombo(id, current.c_str())) {
    if (allow_all && ImGui::Selectable(ctx.T("admin.all_schools").c_str(), school_id->empty())) {
      school_id->clear();
      changed = true;
    }
    for (const auto& s : schools) {
      if (ImGui::Selectable(Name(ctx, s).c_str(), s.id == *school_id)) {
        *school_id = s.id;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool DateTimeField(const AdminContext& ctx, const char* id, Instant* t) {
  const LocalDateTime local = ctx.tz.ToLocal(*t);
  std::string date = local.date.ToString();
  std::string time = FormatMinuteOfDay(local.minute_of_day);
  ImGui::PushID(id);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  const bool date_changed = InputString("##date", &date, 0);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4);
  const bool time_changed = InputString("##time", &time, 0);
  ImGui::PopID();
  if (!date_changed && !time_changed) return false;
  auto parsed = ctx.tz.Parse(date + " " + time);
  if (!parsed.ok()) return false;
  *t = *parsed;
  return true;
}

}  // namespace schoolshare::admin
