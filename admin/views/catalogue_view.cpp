// Catalogue: the district's schools on the left; for the chosen one, tabs of its profile (students,
// location, class periods; the last tab), resources (opening hours, sharing policy), blackouts, staff and classes, and
// below them the form of the row being edited, checked as it is typed (each error next to its field). Saving queues the
// SyncAgent's catalogue mutation; another school's things are shown read-only.
#include <imgui.h>

#include <optional>
#include <set>

#include "app/widgets.h"
#include "model/catalogue.h"
#include "schoolshare/import.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

enum class Tab { kSchool, kResources, kBlackouts, kStaff, kClasses };

constexpr SchoolKind kSchoolKinds[] = {SchoolKind::kCore, SchoolKind::kMember, SchoolKind::kPartner};
constexpr ResourceType kTypes[] = {ResourceType::kField, ResourceType::kHall, ResourceType::kLab, ResourceType::kRoom,
                                   ResourceType::kEquipment};
constexpr ApprovalMode kApprovals[] = {ApprovalMode::kNone, ApprovalMode::kOwner, ApprovalMode::kOwnerThenDistrict};
constexpr BlackoutKind kKinds[] = {BlackoutKind::kMaintenance, BlackoutKind::kExam, BlackoutKind::kEvent,
                                   BlackoutKind::kOther};

template <typename E>
std::string EnumName(const AdminContext& ctx, const char* prefix, E value) {
  return ctx.T((std::string(prefix) + ToString(value)).c_str());
}

// A combo over an enum's values, labelled through "prefix.word" keys.
template <typename E, std::size_t N>
bool EnumCombo(const AdminContext& ctx, const char* id, const char* prefix, const E (&values)[N], E* value) {
  bool changed = false;
  if (ImGui::BeginCombo(id, EnumName(ctx, prefix, *value).c_str())) {
    for (E v : values) {
      if (ImGui::Selectable(EnumName(ctx, prefix, v).c_str(), v == *value)) {
        *value = v;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

// A limit in minutes for people ("24 hours", "90 minutes"); "—" for 0, which means none.
std::string Minutes(const AdminContext& ctx, int minutes) {
  if (minutes <= 0) return "—";
  const int unit = minutes % (24 * 60) == 0 ? 24 * 60 : minutes % 60 == 0 ? 60 : 1;
  const int n = minutes / unit;
  const char* key = unit == 1    ? (n == 1 ? "duration.minute" : "duration.minutes")
                    : unit == 60 ? (n == 1 ? "duration.hour" : "duration.hours")
                                 : (n == 1 ? "duration.day" : "duration.days");
  return ctx.T(key, {{"n", std::to_string(n)}});
}

// A form laid out as rows of label, input and the field's error next to it.
class Form {
 public:
  Form(const AdminContext& ctx, const char* id, const std::vector<FieldError>* errors)
      : ctx_(ctx), errors_(errors), open_(ImGui::BeginTable(id, 3, ImGuiTableFlags_SizingFixedFit)) {
    if (!open_) return;
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, ctx.u * 10.5f);
    ImGui::TableSetupColumn("input", ImGuiTableColumnFlags_WidthFixed, ctx.u * 13);
    ImGui::TableSetupColumn("error", ImGuiTableColumnFlags_WidthStretch);
  }
  ~Form() {
    if (open_) ImGui::EndTable();
  }
  bool open() const { return open_; }

  // Starts a row: the label and the input column; the caller draws the widget, then End() shows the error.
  void Row(const char* label_key, const std::string& field) {
    field_ = field;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ctx_.T(label_key).c_str());
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
  }
  bool End(bool changed) {
    Mark("catalogue.field." + field_);
    ImGui::TableNextColumn();
    for (const FieldError& e : *errors_) {
      if (e.field != field_) continue;
      ImGui::PushStyleColor(ImGuiCol_Text, colour::kBad);
      ImGui::AlignTextToFramePadding();
      ImGui::TextWrapped("%s", e.message.c_str());
      ImGui::PopStyleColor();
      break;
    }
    return changed;
  }
  bool Text(const char* label_key, const std::string& field, std::string* value, const char* hint_key = nullptr) {
    Row(label_key, field);
    ImGui::PushID(field.c_str());
    const bool changed = hint_key ? InputTextHint("##v", ctx_.T(hint_key), value) : InputString("##v", value);
    ImGui::PopID();
    return End(changed);
  }
  bool Int(const char* label_key, const std::string& field, int* value) {
    Row(label_key, field);
    ImGui::PushID(field.c_str());
    const bool changed = ImGui::InputInt("##v", value, 0, 0);
    ImGui::PopID();
    return End(changed);
  }
  bool Double(const char* label_key, const std::string& field, double* value) {
    Row(label_key, field);
    ImGui::PushID(field.c_str());
    const bool changed = ImGui::InputDouble("##v", value, 0, 0, "%.6f");
    ImGui::PopID();
    return End(changed);
  }
  bool Lines(const char* label_key, const std::string& field, std::string* value, int lines) {
    Row(label_key, field);
    ImGui::PushID(field.c_str());
    const bool changed = InputLines("##v", value, lines);
    ImGui::PopID();
    return End(changed);
  }
  bool Check(const char* label_key, const std::string& field, bool* value, const char* text_key) {
    Row(label_key, field);
    ImGui::PushID(field.c_str());
    const bool changed = ImGui::Checkbox(ctx_.T(text_key).c_str(), value);
    ImGui::PopID();
    return End(changed);
  }

 private:
  const AdminContext& ctx_;
  const std::vector<FieldError>* errors_;
  bool open_;
  std::string field_;
};

class CatalogueView : public AdminView {
 public:
  void Draw(AdminContext& ctx) override {
    Rebuild(ctx);
    if (lang_ != ctx.lang) {  // the errors are sentences in the language they were made in
      lang_ = ctx.lang;
      Recheck(ctx);
    }
    ImGui::PushFont(ctx.large);
    ImGui::TextUnformatted(ctx.T("admin.catalogue.title").c_str());
    ImGui::PopFont();
    if (!problem_.empty()) TextColoured(colour::kBad, problem_);
    Refused(ctx);
    const CatalogueSchool* school = catalogue_.Find(school_id_);
    if (school == nullptr) {
      TextColoured(colour::kMuted, ctx.T("admin.catalogue.no_schools"));
      return;
    }
    ImGui::BeginChild("schools", ImVec2(ctx.u * 13, 0), true);
    Schools(ctx);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("school", ImVec2(0, 0), false);
    SchoolHeader(ctx, *school);
    if (ImGui::BeginTabBar("catalogue_tabs")) {
      TabItem(ctx, "resources", Tab::kResources, *school);
      TabItem(ctx, "blackouts", Tab::kBlackouts, *school);
      TabItem(ctx, "staff", Tab::kStaff, *school);
      TabItem(ctx, "classes", Tab::kClasses, *school);
      TabItem(ctx, "school", Tab::kSchool, *school);
      ctx.open_tab.clear();
      ImGui::EndTabBar();
    }
    ImGui::EndChild();
  }

 private:
  // ------------------------------------------------------------------ data

  void Rebuild(AdminContext& ctx) {
    if (built_generation_ == ctx.data_generation) return;
    built_generation_ = ctx.data_generation;
    problem_.clear();
    awaiting_.clear();
    refused_.clear();
    if (auto a = ctx.agent->AwaitingServer(); a.ok()) awaiting_ = std::move(a).value();
    if (auto n = ctx.agent->NeedsAttention(); n.ok()) refused_ = RefusedEdits(*n, ctx.lang);
    auto c = BuildCatalogue(*ctx.replica, ctx.actor, ctx.agent->ServerNow() - 7 * kDay);
    if (!c.ok()) {
      problem_ = DescribeStatus(ctx.lang, c.status());
      return;
    }
    catalogue_ = std::move(c).value();
    if (catalogue_.Find(school_id_) == nullptr && !catalogue_.schools.empty()) {
      school_id_ = catalogue_.schools.front().school.id;
    }
    if (!editing_ && !catalogue_.schools.empty()) OpenFirst(ctx);
    Recheck(ctx);
  }

  // ------------------------------------------------------------------ layout

  void Refused(AdminContext& ctx) {
    for (const RefusedEdit& r : refused_) {
      ImGui::PushID(r.mutation_id.c_str());
      TextColoured(colour::kBad, ctx.T("admin.catalogue.refused", {{"what", r.what}, {"why", r.reason}}));
      ImGui::SameLine();
      if (ImGui::SmallButton(ctx.T("admin.catalogue.dismiss").c_str())) {
        if (Status s = ctx.agent->Dismiss(r.mutation_id); !s.ok()) ctx.error = DescribeStatus(ctx.lang, s);
        ctx.local_write = true;
      }
      ImGui::PopID();
    }
  }

  void Schools(AdminContext& ctx) {
    bool any_read_only = false;
    for (const CatalogueSchool& s : catalogue_.schools) {
      if (!s.editable) ImGui::PushStyleColor(ImGuiCol_Text, colour::kMuted);
      any_read_only |= !s.editable;
      const bool picked =
          ImGui::Selectable((Name(ctx, s.school) + "##" + s.school.id).c_str(), s.school.id == school_id_);
      if (!s.editable) ImGui::PopStyleColor();
      if (picked) {
        school_id_ = s.school.id;
        editing_ = false;
        OpenFirst(ctx);
      }
      Mark("catalogue.school." + s.school.id);
    }
    if (any_read_only) {
      ImGui::Spacing();
      TextColoured(colour::kMuted, ctx.T("admin.catalogue.view_only"));
    }
  }

  void SchoolHeader(const AdminContext& ctx, const CatalogueSchool& s) {
    ImGui::TextUnformatted((Name(ctx, s.school) + " · " + EnumName(ctx, "school_kind.", s.school.kind)).c_str());
    ImGui::SameLine();
    TextColoured(colour::kMuted, ctx.T("admin.catalogue.counts", {{"resources", std::to_string(s.resources.size())},
                                                                  {"staff", std::to_string(s.staff.size())},
                                                                  {"classes", std::to_string(s.classes.size())},
                                                                  {"students", std::to_string(s.school.students)}}));
    if (!s.editable) TextColoured(colour::kWarn, ctx.T("admin.catalogue.read_only_note"));
  }

  // `name`: the tab's word in "admin.catalogue.tab.<name>", its target and --screen catalogue/<name>.
  void TabItem(AdminContext& ctx, const std::string& name, Tab tab, const CatalogueSchool& s) {
    const std::string label = ctx.T(("admin.catalogue.tab." + name).c_str()) + "###" + name;
    const bool open = ImGui::BeginTabItem(
        label.c_str(), nullptr, ctx.open_tab == name ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None);
    Mark("catalogue.tab." + name);
    if (!open) return;
    if (tab_ != tab) {
      tab_ = tab;
      editing_ = false;
      OpenFirst(ctx);
    }
    const float table_h = ImGui::GetContentRegionAvail().y * (tab == Tab::kSchool ? 0.3f : 0.42f);
    if (tab != Tab::kSchool) {  // a new school is the district's set-up (the CLI's import)
      ImGui::BeginDisabled(!s.editable);
      if (ImGui::Button(ctx.T(NewKey()).c_str())) OpenNew(ctx, s);
      Mark("catalogue.new");
      ImGui::EndDisabled();
    }
    switch (tab) {
      case Tab::kSchool:
        PeriodTable(ctx, s, table_h);
        break;
      case Tab::kResources:
        ResourceTable(ctx, s, table_h);
        break;
      case Tab::kBlackouts:
        BlackoutTable(ctx, s, table_h);
        break;
      case Tab::kStaff:
        StaffTable(ctx, s, table_h);
        break;
      case Tab::kClasses:
        ClassTable(ctx, s, table_h);
        break;
    }
    ImGui::Separator();
    ImGui::BeginChild("editor", ImVec2(0, 0), false);
    if (editing_) Editor(ctx, s);
    ImGui::EndChild();
    ImGui::EndTabItem();
  }

  const char* NewKey() const {
    switch (tab_) {
      case Tab::kResources:
        return "admin.catalogue.new_resource";
      case Tab::kBlackouts:
        return "admin.catalogue.new_blackout";
      case Tab::kStaff:
        return "admin.catalogue.new_staff";
      default:
        return "admin.catalogue.new_class";
    }
  }

  // Starts a table with a header of these keys; false when it is not shown.
  // `weights`: the columns' shares of the width (all 1 when empty).
  static bool BeginList(const AdminContext& ctx, const char* id, std::initializer_list<const char*> keys, float h,
                        std::initializer_list<float> weights = {}) {
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable(id, static_cast<int>(keys.size()), flags, ImVec2(0, h))) return false;
    ImGui::TableSetupScrollFreeze(0, 1);
    const float* weight = weights.begin();
    for (const char* key : keys) {
      const float w = weight != weights.end() ? *weight++ : 1.0f;
      ImGui::TableSetupColumn(ctx.T(key).c_str(), ImGuiTableColumnFlags_WidthStretch, w);
    }
    ImGui::TableHeadersRow();
    return true;
  }

  // The first cell of a row: selecting it opens the row in the editor.
  bool RowStart(const AdminContext& ctx, const std::string& id, const std::string& label) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool picked = ImGui::Selectable((label + "##" + id).c_str(), editing_ && editing_id_ == id,
                                          ImGuiSelectableFlags_SpanAllColumns);
    Mark("catalogue.row." + id);
    if (awaiting_.count(id)) {
      ImGui::SameLine();
      TextColoured(colour::kAccent, ctx.T("admin.catalogue.awaiting"));
    }
    return picked;
  }

  static void Cell(const std::string& text) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(text.c_str());
  }

  void PeriodTable(AdminContext& ctx, const CatalogueSchool& s, float h) {
    if (s.school.periods.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.catalogue.no_periods"));
      return;
    }
    if (!BeginList(ctx, "periods",
                   {"admin.catalogue.col.period", "admin.catalogue.col.from", "admin.catalogue.col.to",
                    "admin.catalogue.col.minutes"},
                   h))
      return;
    for (const ClassPeriod& p : s.school.periods) {
      if (RowStart(ctx, s.school.id + "#" + std::to_string(p.index),
                   ctx.T("admin.catalogue.period_n", {{"n", std::to_string(p.index)}}))) {
        OpenSchool(ctx, s.school);
      }
      Cell(FormatMinuteOfDay(p.start_minute));
      Cell(FormatMinuteOfDay(p.end_minute));
      Cell(std::to_string(p.end_minute - p.start_minute));
    }
    ImGui::EndTable();
  }

  void ResourceTable(AdminContext& ctx, const CatalogueSchool& s, float h) {
    if (!BeginList(ctx, "resources",
                   {"admin.catalogue.col.name", "admin.catalogue.col.type", "admin.catalogue.col.size",
                    "admin.catalogue.col.hours", "admin.catalogue.col.sharing", "admin.catalogue.col.limits",
                    "admin.catalogue.col.fee"},
                   h, {2.2f, 1.0f, 1.0f, 2.4f, 1.9f, 3.4f, 1.0f}))
      return;
    for (const Resource& r : s.resources) {
      if (RowStart(ctx, r.id, Name(ctx, r) + (r.active ? "" : " " + ctx.T("admin.catalogue.inactive")))) {
        OpenResource(ctx, r);
      }
      Cell(EnumName(ctx, "resource_type.", r.type));
      Cell(r.is_equipment() ? ctx.T("admin.catalogue.units", {{"n", std::to_string(r.quantity)}})
                            : ctx.T("admin.catalogue.people", {{"n", std::to_string(r.capacity)}}));
      Cell(r.opening_hours.empty() ? ctx.T("admin.catalogue.any_time") : FormatOpeningHours(r.opening_hours));
      Cell(r.policy.shared
               ? ctx.T("admin.catalogue.shared") + " · " + EnumName(ctx, "approval_mode.", r.policy.approval)
               : ctx.T("admin.catalogue.home_only"));
      Cell(ctx.T("admin.catalogue.limits", {{"notice", Minutes(ctx, r.policy.min_notice_minutes)},
                                            {"advance", Minutes(ctx, r.policy.max_advance_days * 24 * 60)},
                                            {"duration", Minutes(ctx, r.policy.max_duration_minutes)},
                                            {"cap", Minutes(ctx, r.policy.weekly_cap_minutes)}}));
      Cell(r.policy.hourly_fee_cents > 0
               ? ctx.T("admin.catalogue.fee_per_hour", {{"yuan", Yuan(r.policy.hourly_fee_cents)}})
               : ctx.T("admin.catalogue.free"));
    }
    ImGui::EndTable();
  }

  void BlackoutTable(AdminContext& ctx, const CatalogueSchool& s, float h) {
    if (s.blackouts.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.catalogue.no_blackouts"));
      return;
    }
    if (!BeginList(ctx, "blackouts",
                   {"admin.catalogue.col.resource", "admin.catalogue.col.from", "admin.catalogue.col.to",
                    "admin.catalogue.col.kind", "admin.catalogue.col.reason"},
                   h, {2.0f, 1.2f, 1.2f, 1.0f, 3.0f}))
      return;
    for (const Blackout& b : s.blackouts) {
      if (RowStart(ctx, b.id, ResourceName(ctx, s, b.resource_id))) OpenBlackout(ctx, b);
      Cell(ctx.tz.FormatLocal(b.start));
      Cell(ctx.tz.FormatLocal(b.end));
      Cell(EnumName(ctx, "blackout_kind.", b.kind));
      Cell(b.reason);
    }
    ImGui::EndTable();
  }

  void StaffTable(AdminContext& ctx, const CatalogueSchool& s, float h) {
    if (!BeginList(ctx, "staff",
                   {"admin.catalogue.col.name", "admin.catalogue.col.name_en", "admin.catalogue.col.role",
                    "admin.catalogue.col.status"},
                   h))
      return;
    for (const StaffMember& m : s.staff) {
      if (RowStart(ctx, m.id, m.name)) OpenStaff(ctx, m);
      Cell(m.name_en);
      Cell(RoleName(ctx, m.role));
      Cell(ctx.T(m.active ? "admin.catalogue.active" : "admin.catalogue.inactive"));
    }
    ImGui::EndTable();
  }

  void ClassTable(AdminContext& ctx, const CatalogueSchool& s, float h) {
    if (!BeginList(ctx, "classes",
                   {"admin.catalogue.col.name", "admin.catalogue.col.grade", "admin.catalogue.col.students",
                    "admin.catalogue.col.lessons", "admin.catalogue.col.status"},
                   h, {2.0f, 0.7f, 0.7f, 3.0f, 0.8f}))
      return;
    for (const SchoolClass& c : s.classes) {
      if (RowStart(ctx, c.id, Name(ctx, c))) OpenClass(ctx, c);
      Cell(c.grade > 0 ? std::to_string(c.grade) : "—");
      Cell(std::to_string(c.students));
      Cell(ctx.T("admin.catalogue.lessons_per_week", {{"n", std::to_string(c.lessons.size())}}) + " · " +
           FormatOpeningHours(c.lessons));
      Cell(ctx.T(c.active ? "admin.catalogue.active" : "admin.catalogue.inactive"));
    }
    ImGui::EndTable();
  }

  // ------------------------------------------------------------------ the editor

  void Editor(AdminContext& ctx, const CatalogueSchool& s) {
    ImGui::PushFont(ctx.large);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ctx.T(is_new_ ? NewKey() : "admin.catalogue.edit").c_str());
    ImGui::PopFont();
    ImGui::SameLine(0, ctx.u * 2);
    Buttons(ctx, s);
    bool changed = false;
    ImGui::BeginDisabled(!s.editable);
    switch (tab_) {
      case Tab::kSchool:
        changed = SchoolEditor(ctx);
        break;
      case Tab::kResources:
        changed = ResourceEditor(ctx);
        break;
      case Tab::kBlackouts:
        changed = BlackoutEditor(ctx, s);
        break;
      case Tab::kStaff:
        changed = StaffEditor(ctx);
        break;
      case Tab::kClasses:
        changed = ClassEditor(ctx);
        break;
    }
    if (changed) Recheck(ctx);
    ImGui::EndDisabled();
  }

  // Save (and Remove for a blackout), with what is still wrong or what was done.
  void Buttons(AdminContext& ctx, const CatalogueSchool& s) {
    const bool ok = errors_.empty();
    ImGui::BeginDisabled(!s.editable);
    ImGui::BeginDisabled(!ok);
    if (ImGui::Button(ctx.T("admin.catalogue.save").c_str())) Save(ctx);
    Mark("catalogue.save");
    ImGui::EndDisabled();
    if (tab_ == Tab::kBlackouts && !is_new_) {
      ImGui::SameLine();
      if (ImGui::Button(ctx.T("admin.catalogue.remove").c_str())) Remove(ctx);
    }
    ImGui::EndDisabled();
    if (!ok && s.editable) {
      ImGui::SameLine();
      TextColoured(colour::kBad, ctx.T("admin.catalogue.fix_errors", {{"n", std::to_string(errors_.size())}}));
    }
    if (!saved_.empty()) {
      ImGui::SameLine();
      TextColoured(colour::kGood, saved_);
    }
  }

  // Id (typed only for a new entity), name and English name.
  template <typename T>
  bool NameFields(Form& f, T* e) const {
    bool changed = false;
    if (is_new_) changed |= f.Text("admin.catalogue.field.id", "id", &e->id);
    changed |= f.Text("admin.catalogue.field.name", "name", &e->name);
    changed |= f.Text("admin.catalogue.field.name_en", "name_en", &e->name_en);
    return changed;
  }

  bool SchoolEditor(const AdminContext& ctx) {
    School& s = school_.school;
    bool changed = false;
    if (ImGui::BeginTable("school_form", 2, ImGuiTableFlags_SizingStretchSame)) {
      ImGui::TableNextColumn();
      {
        Form f(ctx, "profile", &errors_);
        changed |= NameFields(f, &s);
        const bool designate = MayDesignate(ctx.actor);
        ImGui::BeginDisabled(!designate);
        f.Row("admin.catalogue.field.school_kind", "kind");
        changed |= f.End(EnumCombo(ctx, "##kind", "school_kind.", kSchoolKinds, &s.kind));
        changed |= f.Check("admin.catalogue.field.weak", "weak", &s.weak, "admin.catalogue.weak_hint");
        ImGui::EndDisabled();
        changed |= f.Int("admin.catalogue.field.students", "students", &s.students);
      }
      ImGui::TableNextColumn();
      {
        Form f(ctx, "place", &errors_);
        changed |= f.Double("admin.catalogue.field.lat", "lat", &s.location.lat);
        changed |= f.Double("admin.catalogue.field.lon", "lon", &s.location.lon);
        changed |= f.Lines("admin.catalogue.field.periods", "periods", &school_.periods, 8);
      }
      ImGui::EndTable();
    }
    TextColoured(colour::kMuted, ctx.T("admin.catalogue.hint.periods"));
    TextColoured(colour::kMuted, ctx.T("admin.catalogue.periods_note"));
    return changed;
  }

  bool ResourceEditor(const AdminContext& ctx) {
    Resource& r = resource_.resource;
    bool changed = false;
    if (ImGui::BeginTable("resource_form", 2, ImGuiTableFlags_SizingStretchSame)) {
      ImGui::TableNextColumn();
      {
        Form f(ctx, "basics", &errors_);
        changed |= NameFields(f, &r);
        f.Row("admin.catalogue.field.type", "type");
        changed |= f.End(EnumCombo(ctx, "##type", "resource_type.", kTypes, &r.type));
        changed |= f.Int("admin.catalogue.field.capacity", "capacity", &r.capacity);
        changed |= f.Int("admin.catalogue.field.quantity", "quantity", &r.quantity);
        changed |=
            f.Text("admin.catalogue.field.features", "features", &resource_.features, "admin.catalogue.hint.features");
        changed |= f.Text("admin.catalogue.field.hours", "opening_hours", &resource_.opening_hours,
                          "admin.catalogue.hint.hours");
        changed |= f.Int("admin.catalogue.field.buffer", "buffer_minutes", &r.buffer_minutes);
        f.Row("admin.catalogue.field.parent", "parent_id");
        changed |= f.End(ParentCombo(ctx, &r));
        changed |= f.Check("admin.catalogue.field.active", "active", &r.active, "admin.catalogue.active");
      }
      ImGui::TableNextColumn();
      {
        SharingPolicy& p = r.policy;
        Form f(ctx, "policy", &errors_);
        changed |= f.Check("admin.catalogue.field.shared", "shared", &p.shared, "admin.catalogue.shared_hint");
        f.Row("admin.catalogue.field.approval", "approval");
        changed |= f.End(EnumCombo(ctx, "##approval", "approval_mode.", kApprovals, &p.approval));
        changed |= f.Int("admin.catalogue.field.min_notice", "min_notice_minutes", &p.min_notice_minutes);
        changed |= f.Int("admin.catalogue.field.max_advance", "max_advance_days", &p.max_advance_days);
        changed |= f.Int("admin.catalogue.field.max_duration", "max_duration_minutes", &p.max_duration_minutes);
        changed |= f.Int("admin.catalogue.field.weekly_cap", "weekly_cap_minutes", &p.weekly_cap_minutes);
        changed |= f.Int("admin.catalogue.field.fee", "hourly_fee_cents", &p.hourly_fee_cents);
        f.Row("admin.catalogue.field.school", "school_id");
        ImGui::TextUnformatted(SchoolName(ctx, r.school_id).c_str());
        f.End(false);
      }
      ImGui::EndTable();
    }
    TextColoured(colour::kMuted, ctx.T("admin.catalogue.zero_is_none"));
    return changed;
  }

  // The whole this resource is a part of (a half pitch of a pitch): one of the school's resources, or none.
  bool ParentCombo(const AdminContext& ctx, Resource* r) {
    const CatalogueSchool* s = catalogue_.Find(r->school_id);
    bool changed = false;
    const std::string none = ctx.T("admin.catalogue.no_parent");
    const std::string current = r->parent_id.empty() || s == nullptr ? none : ResourceName(ctx, *s, r->parent_id);
    if (ImGui::BeginCombo("##parent", current.c_str())) {
      if (ImGui::Selectable(none.c_str(), r->parent_id.empty())) {
        r->parent_id.clear();
        changed = true;
      }
      for (const Resource& other : s ? s->resources : std::vector<Resource>{}) {
        if (other.id == r->id) continue;
        if (ImGui::Selectable((Name(ctx, other) + "##" + other.id).c_str(), other.id == r->parent_id)) {
          r->parent_id = other.id;
          changed = true;
        }
      }
      ImGui::EndCombo();
    }
    return changed;
  }

  bool BlackoutEditor(const AdminContext& ctx, const CatalogueSchool& s) {
    Blackout& b = blackout_.blackout;
    bool changed = false;
    Form f(ctx, "blackout_form", &errors_);
    f.Row("admin.catalogue.field.resource", "resource_id");
    if (ImGui::BeginCombo("##resource", ResourceName(ctx, s, b.resource_id).c_str())) {
      if (ImGui::Selectable(ctx.T("admin.catalogue.whole_school").c_str(), b.resource_id.empty())) {
        b.resource_id.clear();
        changed = true;
      }
      for (const Resource& r : s.resources) {
        if (ImGui::Selectable((Name(ctx, r) + "##" + r.id).c_str(), r.id == b.resource_id)) {
          b.resource_id = r.id;
          changed = true;
        }
      }
      ImGui::EndCombo();
    }
    f.End(changed);
    changed |= f.Text("admin.catalogue.field.from", "start", &blackout_.start, "admin.catalogue.hint.time");
    changed |= f.Text("admin.catalogue.field.to", "end", &blackout_.end, "admin.catalogue.hint.time");
    f.Row("admin.catalogue.field.kind", "kind");
    changed |= f.End(EnumCombo(ctx, "##kind", "blackout_kind.", kKinds, &b.kind));
    changed |= f.Text("admin.catalogue.field.reason", "reason", &b.reason);
    return changed;
  }

  bool StaffEditor(const AdminContext& ctx) {
    StaffMember& m = staff_.member;
    bool changed = false;
    Form f(ctx, "staff_form", &errors_);
    changed |= NameFields(f, &m);
    f.Row("admin.catalogue.field.role", "role");
    bool picked = false;
    if (ImGui::BeginCombo("##role", RoleName(ctx, m.role).c_str())) {
      for (const char* role : {"teacher", "pe_teacher", "lab_technician", "facility_manager", "other"}) {
        if (ImGui::Selectable(RoleName(ctx, role).c_str(), m.role == role)) {
          m.role = role;
          picked = true;
        }
      }
      ImGui::EndCombo();
    }
    changed |= f.End(picked);
    changed |= f.Check("admin.catalogue.field.active", "active", &m.active, "admin.catalogue.active");
    return changed;
  }

  bool ClassEditor(const AdminContext& ctx) {
    SchoolClass& c = class_.school_class;
    bool changed = false;
    Form f(ctx, "class_form", &errors_);
    changed |= NameFields(f, &c);
    changed |= f.Int("admin.catalogue.field.grade", "grade", &c.grade);
    changed |= f.Int("admin.catalogue.field.students", "students", &c.students);
    changed |= f.Text("admin.catalogue.field.lessons", "lessons", &class_.lessons, "admin.catalogue.hint.lessons");
    changed |= f.Check("admin.catalogue.field.active", "active", &c.active, "admin.catalogue.active");
    return changed;
  }

  // ------------------------------------------------------------------ opening, checking, saving

  // The form now holds this entity (or a new one): checked at once.
  void Opened(const AdminContext& ctx, const std::string& id, bool is_new) {
    editing_ = true;
    editing_id_ = id;
    is_new_ = is_new;
    saved_.clear();
    Recheck(ctx);
  }
  void OpenSchool(const AdminContext& ctx, const School& s) {
    school_ = EditSchool(s);
    Opened(ctx, s.id, false);
  }
  void OpenResource(const AdminContext& ctx, const Resource& r) {
    resource_ = EditResource(r);
    Opened(ctx, r.id, false);
  }
  void OpenBlackout(const AdminContext& ctx, const Blackout& b) {
    blackout_ = EditBlackout(b, ctx.tz);
    Opened(ctx, b.id, false);
  }
  void OpenStaff(const AdminContext& ctx, const StaffMember& m) {
    staff_ = {m, false};
    Opened(ctx, m.id, false);
  }
  void OpenClass(const AdminContext& ctx, const SchoolClass& c) {
    class_ = EditClass(c);
    Opened(ctx, c.id, false);
  }

  // The first row of the current tab, so the editor is never empty when there is something to show.
  void OpenFirst(const AdminContext& ctx) {
    editing_ = false;
    errors_.clear();
    const CatalogueSchool* s = catalogue_.Find(school_id_);
    if (s == nullptr) return;
    if (tab_ == Tab::kSchool) OpenSchool(ctx, s->school);
    if (tab_ == Tab::kResources && !s->resources.empty()) OpenResource(ctx, s->resources.front());
    if (tab_ == Tab::kBlackouts && !s->blackouts.empty()) OpenBlackout(ctx, s->blackouts.front());
    if (tab_ == Tab::kStaff && !s->staff.empty()) OpenStaff(ctx, s->staff.front());
    if (tab_ == Tab::kClasses && !s->classes.empty()) OpenClass(ctx, s->classes.front());
  }

  void OpenNew(const AdminContext& ctx, const CatalogueSchool& s) {
    const std::string school = s.school.id;
    switch (tab_) {
      case Tab::kSchool:
        return;
      case Tab::kResources:
        resource_ = NewResource(school);
        break;
      case Tab::kBlackouts: {
        const Instant start = (ctx.agent->ServerNow() / kHour + 1) * kHour;
        blackout_ = NewBlackout(school, "", start, ctx.tz);
        break;
      }
      case Tab::kStaff:
        staff_ = {StaffMember{school + "-", school, "", "", "teacher", true}, true};
        break;
      case Tab::kClasses:
        class_ = ClassForm{SchoolClass{school + "-", school, "", "", 0, 0, {}, true}, "", true};
        break;
    }
    Opened(ctx, "", true);
  }

  void Recheck(const AdminContext& ctx) {
    if (!editing_) return;
    Status s = Status::Ok();
    auto take = [&](auto checked) {
      if (!checked.ok()) {
        s = checked.status();
        return;
      }
      errors_ = checked->errors;
    };
    switch (tab_) {
      case Tab::kSchool:
        take(CheckSchool(*ctx.replica, ctx.actor, school_, ctx.lang));
        break;
      case Tab::kResources:
        take(CheckResource(*ctx.replica, ctx.actor, resource_, ctx.lang));
        break;
      case Tab::kBlackouts:
        take(CheckBlackout(*ctx.replica, ctx.actor, blackout_, ctx.tz, ctx.lang));
        break;
      case Tab::kStaff:
        take(CheckStaff(*ctx.replica, ctx.actor, staff_, ctx.lang));
        break;
      case Tab::kClasses:
        take(CheckClass(*ctx.replica, ctx.actor, class_, ctx.lang));
        break;
    }
    if (!s.ok()) problem_ = DescribeStatus(ctx.lang, s);
  }

  void Save(AdminContext& ctx) {
    Result<LocalWrite> w = Status::Internal("nothing to save");
    std::string id;
    auto queue = [&](auto checked, auto put) {
      if (!checked.ok()) {
        w = checked.status();
        return;
      }
      errors_ = checked->errors;
      if (!checked->ok()) {
        w = Status::InvalidArgument(ctx.T("admin.catalogue.fix_errors", {{"n", std::to_string(errors_.size())}}));
        return;
      }
      id = checked->value.id;
      w = put(checked->value);
    };
    SyncAgent& agent = *ctx.agent;
    switch (tab_) {
      case Tab::kSchool:
        queue(CheckSchool(*ctx.replica, ctx.actor, school_, ctx.lang),
              [&](const School& s) { return agent.PutSchool(s); });
        break;
      case Tab::kResources:
        queue(CheckResource(*ctx.replica, ctx.actor, resource_, ctx.lang),
              [&](const Resource& r) { return agent.PutResource(r); });
        break;
      case Tab::kBlackouts:
        queue(CheckBlackout(*ctx.replica, ctx.actor, blackout_, ctx.tz, ctx.lang),
              [&](const Blackout& b) { return agent.PutBlackout(b); });
        break;
      case Tab::kStaff:
        queue(CheckStaff(*ctx.replica, ctx.actor, staff_, ctx.lang),
              [&](const StaffMember& m) { return agent.PutStaff(m); });
        break;
      case Tab::kClasses:
        queue(CheckClass(*ctx.replica, ctx.actor, class_, ctx.lang),
              [&](const SchoolClass& c) { return agent.PutClass(c); });
        break;
    }
    Finish(ctx, w, id, "admin.catalogue.saved");
  }

  void Remove(AdminContext& ctx) {
    const std::string id = blackout_.blackout.id;
    Finish(ctx, ctx.agent->DeleteBlackout(id), id, "admin.catalogue.removed");
    if (ctx.local_write) editing_ = false;
  }

  void Finish(AdminContext& ctx, const Result<LocalWrite>& w, const std::string& id, const char* done_key) {
    if (!w.ok()) {
      ctx.error = ctx.T("admin.catalogue.not_saved", {{"why", DescribeStatus(ctx.lang, w.status())}});
      return;
    }
    saved_ = ctx.T(done_key);
    ctx.notice = saved_;
    ctx.local_write = true;
    editing_id_ = id;
    is_new_ = false;
  }

  // ------------------------------------------------------------------ names

  std::string SchoolName(const AdminContext& ctx, const std::string& id) const {
    const CatalogueSchool* s = catalogue_.Find(id);
    return s ? Name(ctx, s->school) : id;
  }
  static std::string ResourceName(const AdminContext& ctx, const CatalogueSchool& s, const std::string& id) {
    if (id.empty()) return ctx.T("admin.catalogue.whole_school");
    for (const Resource& r : s.resources) {
      if (r.id == id) return Name(ctx, r);
    }
    return id;
  }
  static std::string RoleName(const AdminContext& ctx, const std::string& role) {
    const std::string key = "admin.catalogue.role." + role;
    const std::string text = ctx.T(key.c_str());
    return text == key ? role : text;  // a free word is shown as typed
  }
  static std::string Yuan(int cents) {
    std::string s = std::to_string(cents / 100);
    if (cents % 100) s += "." + std::to_string(cents % 100 / 10) + std::to_string(cents % 10);
    return s;
  }

  std::uint64_t built_generation_ = ~std::uint64_t{0};
  Catalogue catalogue_;
  std::set<std::string> awaiting_;
  std::vector<RefusedEdit> refused_;
  std::string problem_;
  std::string school_id_;
  Tab tab_ = Tab::kResources;
  Lang lang_ = Lang::kZh;

  bool editing_ = false;
  bool is_new_ = false;
  std::string editing_id_;
  SchoolForm school_;
  ResourceForm resource_;
  BlackoutForm blackout_;
  StaffForm staff_;
  ClassForm class_;
  std::vector<FieldError> errors_;
  std::string saved_;
};

}  // namespace

std::unique_ptr<AdminView> MakeCatalogueView() { return std::make_unique<CatalogueView>(); }

}  // namespace schoolshare::admin
