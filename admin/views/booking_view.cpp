// The booking form: what is typed is checked against the rules on the replica after every change (a dry
// run), with the violated rule, the conflicting bookings and one-click alternatives; weekly recurrence
// over a term with exception dates; the confirmation shows the booking code and its QR code, and saves a
// PNG slip to print or send.
#include <imgui.h>

#include <cstdio>
#include <filesystem>

#include "app/widgets.h"
#include "gui/qr_code.h"
#include "model/booking_form.h"
#include "schoolshare/ids.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

const char* const kActivityTypes[] = {"teaching", "sports", "meeting", "ceremony", "club", "exam", "other"};

struct Confirmation {
  std::string booking_id;
  std::string code;
  std::string title;
  std::string resource;
  std::string when;
  bool pending = false;              // waits for the owner's approval
  int occurrences = 0;               // a series: how many dates were booked
  std::vector<std::string> skipped;  // a series: dates refused and left out
  std::uint64_t generation = 0;      // when the replica was last read for the server's code
};

class BookingView : public AdminView {
 public:
  void Open(const BookingForm& form) override {
    form_ = form;
    if (form_.id.empty()) form_.id = NewUuid();
    confirmation_.reset();
    checked_key_.clear();
    weekly_ = false;
    exceptions_.clear();
    series_refusals_.clear();
    until_ = CivilDate::FromDays(form_.start / kDay).AddDays(84).ToString();  // a term of twelve weeks
  }

  void Draw(AdminContext& ctx) override {
    if (form_.id.empty()) NewForm(ctx);
    if (confirmation_) {
      Confirm(ctx);
      return;
    }
    const float label_w = ctx.u * 8;
    ImGui::Columns(2, "booking", false);
    ImGui::SetColumnWidth(0, ctx.u * 30);
    Heading(ctx, "admin.booking.title");
    Field(ctx, label_w, "admin.booking.resource", [&] { ResourceCombo(ctx); });
    Field(ctx, label_w, "admin.booking.school", [&] {
      if (ctx.actor.role == Role::kSchoolManager) {
        form_.school_id = ctx.actor.school_id;
        for (const auto& s : Schools(ctx)) {
          if (s.id == form_.school_id) ImGui::TextUnformatted(Name(ctx, s).c_str());
        }
      } else {
        SchoolCombo(ctx, "##school", &form_.school_id, false);
      }
    });
    Field(ctx, label_w, "admin.booking.organizer", [&] {
      InputString("##organizer", &form_.organizer);
      Mark("booking.organizer");
      StaffPicker(ctx);
    });
    Field(ctx, label_w, "admin.booking.name", [&] {
      InputString("##title", &form_.title);
      Mark("booking.title");
    });
    Field(ctx, label_w, "admin.booking.activity", [&] {
      const std::string current =
          form_.activity_type.empty() ? ctx.T("admin.choose") : ActivityName(ctx, form_.activity_type);
      if (ImGui::BeginCombo("##activity", current.c_str())) {
        for (const char* a : kActivityTypes) {
          if (ImGui::Selectable(ActivityName(ctx, a).c_str(), form_.activity_type == a)) form_.activity_type = a;
        }
        ImGui::EndCombo();
      }
    });
    Field(ctx, label_w, "admin.booking.class", [&] { ClassCombo(ctx); });
    const Resource* resource = FindResource(ctx, form_.resource_id);
    if (resource && resource->type == ResourceType::kEquipment) {
      Field(ctx, label_w, "admin.booking.quantity", [&] { ImGui::InputInt("##quantity", &form_.quantity); });
    } else {
      Field(ctx, label_w, "admin.booking.attendees", [&] { ImGui::InputInt("##attendees", &form_.attendees); });
    }
    Field(ctx, label_w, "admin.booking.start", [&] {
      const Instant length = form_.end > form_.start ? form_.end - form_.start : kHour;
      if (DateTimeField(ctx, "start", &form_.start)) form_.end = form_.start + length;  // moving keeps the length
    });
    Field(ctx, label_w, "admin.booking.end", [&] { DateTimeField(ctx, "end", &form_.end); });
    Periods(ctx, resource);
    ImGui::Checkbox(ctx.T("admin.booking.weekly").c_str(), &weekly_);
    if (weekly_) {
      Field(ctx, label_w, "admin.booking.until", [&] { InputString("##until", &until_); });
      Field(ctx, label_w, "admin.booking.exceptions", [&] { InputString("##exceptions", &exceptions_); });
      TextColoured(colour::kMuted, ctx.T("admin.booking.exceptions_help"));
      ImGui::Checkbox(ctx.T("admin.booking.skip_conflicts").c_str(), &skip_conflicts_);
    }
    ImGui::Dummy(ImVec2(0, ctx.u * 0.5f));
    Check(ctx);
    const bool can_submit = check_ && (check_->ok() || (weekly_ && skip_conflicts_ && check_->errors.empty()));
    ImGui::BeginDisabled(!can_submit);
    if (ImGui::Button(ctx.T(weekly_ ? "admin.booking.submit_series" : "admin.booking.submit").c_str(),
                      ImVec2(ctx.u * 10, 0)) ||
        (can_submit && ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))) {
      Submit(ctx);
    }
    ImGui::EndDisabled();
    Mark("booking.submit");
    ImGui::SameLine();
    if (ImGui::Button(ctx.T("admin.booking.clear").c_str())) NewForm(ctx);
    ImGui::NextColumn();
    Feedback(ctx);
    ImGui::Columns(1);
  }

 private:
  void NewForm(AdminContext& ctx) {
    BookingForm f;
    f.id = NewUuid();
    f.school_id = ctx.actor.school_id;
    const Instant now = ctx.agent ? ctx.agent->ServerNow() : 0;
    f.start = (now / kHour + 1) * kHour;
    f.end = f.start + kHour;
    Open(f);
  }

  static void Heading(AdminContext& ctx, const char* key) {
    ImGui::PushFont(ctx.large);
    ImGui::TextUnformatted(ctx.T(key).c_str());
    ImGui::PopFont();
  }

  template <typename Fn>
  void Field(AdminContext& ctx, float label_w, const char* key, Fn&& fn) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ctx.T(key).c_str());
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(ctx.u * 18);
    ImGui::PushID(key);
    fn();
    ImGui::PopID();
    // The field's error, if the check found one.
    if (check_) {
      const std::string field = FieldOf(key);
      for (const auto& e : check_->errors) {
        if (!field.empty() && e.field == field) TextColoured(colour::kBad, "  " + e.message);
      }
    }
  }

  static std::string FieldOf(const char* key) {
    const std::string k = key;
    if (k == "admin.booking.resource") return "resource_id";
    if (k == "admin.booking.school") return "school_id";
    if (k == "admin.booking.name") return "title";
    if (k == "admin.booking.attendees") return "attendees";
    if (k == "admin.booking.quantity") return "quantity";
    if (k == "admin.booking.end") return "end";
    return "";
  }

  static std::string ActivityName(AdminContext& ctx, const std::string& a) {
    return ctx.T(("admin.activity." + a).c_str());
  }

  static const Resource* FindResource(AdminContext& ctx, const std::string& id) {
    for (const auto& r : Resources(ctx)) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  // The requesting school's staff, read when the school or the data changes.
  void LoadPeople(AdminContext& ctx) {
    const std::string key = form_.school_id + "|" + std::to_string(ctx.data_generation);
    if (key == people_key_) return;
    people_key_ = key;
    staff_.clear();
    classes_.clear();
    if (form_.school_id.empty()) return;
    if (auto s = ctx.replica->ListStaff(form_.school_id); s.ok()) staff_ = std::move(s).value();
    if (auto c = ctx.replica->ListClasses(form_.school_id); c.ok()) classes_ = std::move(c).value();
  }

  // A small button beside the organizer field listing the school's staff: one click fills the name.
  void StaffPicker(AdminContext& ctx) {
    LoadPeople(ctx);
    if (staff_.empty()) return;
    ImGui::SameLine();
    if (ImGui::ArrowButton("##staff", ImGuiDir_Down)) ImGui::OpenPopup("staff");
    if (ImGui::BeginPopup("staff")) {
      for (const StaffMember& m : staff_) {
        if (m.active && ImGui::Selectable(Name(ctx, m).c_str())) form_.organizer = m.name;
      }
      ImGui::EndPopup();
    }
  }

  void ClassCombo(AdminContext& ctx) {
    LoadPeople(ctx);
    std::string current = ctx.T("admin.booking.no_class");
    for (const SchoolClass& c : classes_) {
      if (c.id == form_.class_id) current = Name(ctx, c);
    }
    if (ImGui::BeginCombo("##class", current.c_str())) {
      if (ImGui::Selectable(ctx.T("admin.booking.no_class").c_str(), form_.class_id.empty())) form_.class_id.clear();
      for (const SchoolClass& c : classes_) {
        if (!c.active) continue;
        const std::string label = Name(ctx, c) + " (" + std::to_string(c.students) + ")";
        if (ImGui::Selectable(label.c_str(), c.id == form_.class_id)) {
          form_.class_id = c.id;
          if (form_.attendees == 0) form_.attendees = c.students;
        }
      }
      ImGui::EndCombo();
    }
  }

  void ResourceCombo(AdminContext& ctx) {
    const Resource* current = FindResource(ctx, form_.resource_id);
    const std::string label = current ? Name(ctx, *current) : ctx.T("admin.choose");
    if (ImGui::BeginCombo("##resource", label.c_str(), ImGuiComboFlags_HeightLarge)) {
      InputTextHint("##filter", ctx.T("admin.booking.filter"), &resource_filter_);
      for (const auto& r : Resources(ctx)) {
        const std::string name = Name(ctx, r) + " (" + r.school_id + ")";
        if (!resource_filter_.empty() && name.find(resource_filter_) == std::string::npos &&
            r.id.find(resource_filter_) == std::string::npos)
          continue;
        if (ImGui::Selectable(name.c_str(), r.id == form_.resource_id)) {
          form_.resource_id = r.id;
          if (r.type == ResourceType::kEquipment && form_.quantity == 0) form_.quantity = 1;
        }
      }
      ImGui::EndCombo();
    }
  }

  // The owner's class periods of the chosen day as buttons: one click sets the time.
  void Periods(AdminContext& ctx, const Resource* resource) {
    if (!resource) return;
    const School* owner = nullptr;
    for (const auto& s : Schools(ctx)) {
      if (s.id == resource->school_id) owner = &s;
    }
    if (!owner || owner->periods.empty()) return;
    TextColoured(colour::kMuted, ctx.T("admin.booking.periods"));
    const CivilDate day = ctx.tz.LocalDate(form_.start);
    for (const ClassPeriod& p : owner->periods) {
      ImGui::SameLine();
      const std::string label = std::to_string(p.index) + "##period";
      ImGui::PushID(p.index);
      if (ImGui::SmallButton(label.c_str())) {
        auto a = ctx.tz.ToInstant(day, p.start_minute);
        auto b = ctx.tz.ToInstant(day, p.end_minute);
        if (a.ok() && b.ok()) {
          form_.start = *a;
          form_.end = *b;
        }
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s–%s", FormatMinuteOfDay(p.start_minute).c_str(), FormatMinuteOfDay(p.end_minute).c_str());
      ImGui::PopID();
    }
  }

  // Runs the rules when what was typed changed since the last check.
  void Check(AdminContext& ctx) {
    const std::string key = form_.resource_id + "|" + form_.school_id + "|" + form_.class_id + "|" + form_.organizer +
                            "|" + form_.title + "|" + std::to_string(form_.attendees) + "|" +
                            std::to_string(form_.quantity) + "|" + std::to_string(form_.start) + "|" +
                            std::to_string(form_.end) + "|" + std::to_string(ctx.data_generation) + LangTag(ctx.lang);
    if (key == checked_key_) return;
    checked_key_ = key;
    auto check = CheckForm(*ctx.replica, *ctx.clock, ctx.actor, form_, ctx.lang);
    if (check.ok()) {
      check_ = std::move(check).value();
      check_problem_.clear();
    } else {
      check_.reset();
      check_problem_ = DescribeStatus(ctx.lang, check.status());
    }
  }

  void Feedback(AdminContext& ctx) {
    Heading(ctx, "admin.booking.rules");
    if (!check_problem_.empty()) {
      TextColoured(colour::kBad, check_problem_);
      return;
    }
    for (const std::string& s : series_refusals_) TextColoured(colour::kBad, "• " + s);
    if (!check_) return;
    if (check_->ok()) {
      TextColoured(colour::kGood,
                   ctx.T(check_->outcome.booking.status == BookingStatus::kPending ? "admin.booking.ok_needs_approval"
                                                                                   : "admin.booking.ok"));
    }
    ImGui::PushTextWrapPos(0);
    for (const std::string& m : check_->messages) TextColoured(colour::kBad, "• " + m);
    ImGui::PopTextWrapPos();
    if (!check_->outcome.alternatives.empty()) {
      ImGui::Dummy(ImVec2(0, ctx.u * 0.3f));
      ImGui::TextUnformatted(ctx.T("admin.booking.alternatives").c_str());
      int i = 0;
      for (const Alternative& a : check_->outcome.alternatives) {
        const Resource* r = FindResource(ctx, a.resource_id);
        std::string label = (r ? Name(ctx, *r) : a.resource_id) + " · " + ctx.Date(a.start) + " " + ctx.Time(a.start) +
                            "–" + ctx.Time(a.end);
        if (a.kind == Alternative::Kind::kOtherResourceSameTime && a.distance_km > 0) {
          char km[32];
          std::snprintf(km, sizeof km, " · %.1f km", a.distance_km);
          label += km;
        }
        ImGui::PushID(i);
        if (ImGui::Button(label.c_str())) form_ = WithAlternative(form_, a);
        Mark("booking.alternative." + std::to_string(i));
        ImGui::PopID();
        ++i;
      }
    }
  }

  void Submit(AdminContext& ctx) {
    const Resource* r = FindResource(ctx, form_.resource_id);
    Confirmation c;
    c.title = form_.title;
    c.resource = r ? Name(ctx, *r) : form_.resource_id;
    c.when = ctx.Date(form_.start) + " " + ctx.Time(form_.start) + "–" + ctx.Time(form_.end);
    if (!weekly_) {
      auto w = ctx.agent->CreateBooking(form_);
      if (!w.ok()) {
        ctx.error = DescribeStatus(ctx.lang, w.status());
        return;
      }
      if (!w->queued) {
        checked_key_.clear();  // show the refusal the rules gave now
        ctx.error = ctx.T("admin.booking.refused");
        return;
      }
      c.booking_id = w->entity_id;
      c.code = w->outcome.booking.code;
      c.pending = w->outcome.booking.status == BookingStatus::kPending;
    } else {
      auto series = Series(ctx);
      if (!series.ok()) {
        ctx.error = DescribeStatus(ctx.lang, series.status());
        return;
      }
      SeriesRequest req;
      req.series = *series;
      req.mode = skip_conflicts_ ? SeriesRequest::Mode::kSkipConflicts : SeriesRequest::Mode::kAllOrNothing;
      auto w = ctx.agent->CreateSeries(req);
      if (!w.ok()) {
        ctx.error = DescribeStatus(ctx.lang, w.status());
        return;
      }
      for (const auto& o : w->series.occurrences) {
        if (!o.outcome.accepted) {
          std::string why = o.outcome.violations.empty() ? "" : DescribeViolation(ctx.lang, o.outcome.violations[0]);
          c.skipped.push_back(o.date.ToString() + " " + why);
        } else if (c.code.empty()) {
          c.code = o.outcome.booking.code;
          c.booking_id = o.outcome.booking.id;
          c.pending = o.outcome.booking.status == BookingStatus::kPending;
        }
      }
      if (!w->queued) {
        series_refusals_ = c.skipped;
        ctx.error = ctx.T("admin.booking.series_refused", {{"n", std::to_string(c.skipped.size())}});
        return;
      }
      c.occurrences = w->series.created;
      c.when += " · " + ctx.T("admin.booking.weekly_until", {{"date", until_}});
    }
    series_refusals_.clear();
    ctx.local_write = true;
    ctx.notice = ctx.T("admin.booking.queued", {{"code", c.code}});
    confirmation_ = c;
  }

  Result<BookingSeries> Series(AdminContext& ctx) {
    BookingSeries s;
    s.resource_id = form_.resource_id;
    s.school_id = form_.school_id;
    s.organizer = form_.organizer;
    s.title = form_.title;
    s.activity_type = form_.activity_type;
    s.attendees = form_.attendees;
    s.quantity = form_.quantity;
    const LocalDateTime a = ctx.tz.ToLocal(form_.start), b = ctx.tz.ToLocal(form_.end);
    s.first_date = a.date;
    SS_ASSIGN_OR_RETURN(s.last_date, CivilDate::Parse(until_));
    s.weekdays = {a.date.IsoWeekday()};
    s.start_minute = a.minute_of_day;
    s.end_minute = b.date.ToDays() == a.date.ToDays() ? b.minute_of_day : b.minute_of_day + 1440;
    for (const std::string& d : SplitList(exceptions_)) {
      SS_ASSIGN_OR_RETURN(auto date, CivilDate::Parse(d));
      s.exceptions.push_back(date);
    }
    return s;
  }

  static std::vector<std::string> SplitList(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : text + ",") {
      if (ch == ',' || ch == ' ' || ch == ';') {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += ch;
      }
    }
    return out;
  }

  void Confirm(AdminContext& ctx) {
    Confirmation& c = *confirmation_;
    // The server gives the booking its code: until the booking comes back from it, the replica holds a
    // local placeholder. Read it again after each sync round.
    if (!HasServerCode(c) && c.generation != ctx.data_generation) {
      c.generation = ctx.data_generation;
      if (auto b = ctx.replica->GetBooking(c.booking_id); b.ok() && !b->code.empty() && b->code[0] != '~') {
        c.code = b->code;
        c.pending = b->status == BookingStatus::kPending;
      }
    }
    // The slip: what a teacher needs at the gate, framed so it can be saved as a picture.
    ImGui::BeginChild("slip", ImVec2(ctx.u * 34, ctx.u * 17), true);
    const ImVec2 slip_min = ImGui::GetWindowPos();
    const ImVec2 slip_size = ImGui::GetWindowSize();
    ImGui::PushFont(ctx.large);
    TextColoured(c.pending ? colour::kWarn : colour::kGood,
                 ctx.T(c.pending ? "admin.booking.confirm_pending" : "admin.booking.confirm_ok"));
    ImGui::PopFont();
    ImGui::BeginGroup();
    if (HasServerCode(c)) {
      gui::QrCode(c.code, ctx.u * 11);
    } else {
      ImGui::Dummy(ImVec2(ctx.u * 11, ctx.u * 11));
    }
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted(ctx.T("admin.booking.code").c_str());
    if (HasServerCode(c)) {
      ImGui::PushFont(ctx.large);
      ImGui::TextUnformatted(c.code.c_str());
      ImGui::PopFont();
      Mark("booking.code");
    } else {
      TextColoured(colour::kWarn, ctx.T("admin.booking.code_after_sync"));
    }
    ImGui::TextUnformatted(c.title.c_str());
    ImGui::TextUnformatted(c.resource.c_str());
    ImGui::TextUnformatted(c.when.c_str());
    if (c.occurrences > 0)
      ImGui::TextUnformatted(ctx.T("admin.booking.occurrences", {{"n", std::to_string(c.occurrences)}}).c_str());
    TextColoured(colour::kMuted, ctx.T("admin.booking.slip_help"));
    ImGui::EndGroup();
    ImGui::EndChild();
    for (const std::string& s : c.skipped) TextColoured(colour::kWarn, ctx.T("admin.booking.skipped", {{"date", s}}));
    ImGui::BeginDisabled(!HasServerCode(c));
    const bool save = ImGui::Button(ctx.T("admin.booking.save_slip").c_str());
    ImGui::EndDisabled();
    if (save) {
      const std::string path = SlipPath(c.code);
      ctx.capture = AdminContext::Capture{path, ImVec4(slip_min.x, slip_min.y, slip_size.x, slip_size.y)};
      ctx.notice = ctx.T("admin.booking.slip_saved", {{"path", path}});
    }
    Mark("booking.save_slip");
    ImGui::SameLine();
    if (ImGui::Button(ctx.T("admin.booking.another").c_str())) NewForm(ctx);
    Mark("booking.another");
    ImGui::SameLine();
    if (ImGui::Button(ctx.T("admin.booking.to_timeline").c_str())) ctx.go_to = "timeline";
  }

  static bool HasServerCode(const Confirmation& c) { return !c.code.empty() && c.code[0] != '~'; }

  static std::string SlipPath(const std::string& code) {
    std::filesystem::path dir = std::filesystem::temp_directory_path();
    if (const char* home = std::getenv("HOME"); home && *home) dir = std::filesystem::path(home) / "schoolshare-slips";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return (dir / ("booking-" + code + ".png")).string();
  }

  BookingForm form_;
  std::string resource_filter_;
  std::string people_key_;
  std::vector<StaffMember> staff_;
  std::vector<SchoolClass> classes_;
  bool weekly_ = false;
  bool skip_conflicts_ = false;
  std::string until_;
  std::string exceptions_;
  std::string checked_key_;
  std::optional<FormCheck> check_;
  std::string check_problem_;
  std::vector<std::string> series_refusals_;
  std::optional<Confirmation> confirmation_;
};

}  // namespace

std::unique_ptr<AdminView> MakeBookingView() { return std::make_unique<BookingView>(); }

}  // namespace schoolshare::admin
