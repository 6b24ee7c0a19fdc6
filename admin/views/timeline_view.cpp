// Timeline: resources x time for a day (07:00-22:00) or a week, coloured by the requesting school with
// the status as the border; filters; a hover card; a click on an empty stretch opens the booking form
// there, snapped to the owner's class period. Rows are clipped (ImGuiListClipper), so only visible
// rows cost a frame; the model is rebuilt when the data or the query changes, never per frame.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/widgets.h"
#include "model/timeline.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

constexpr int kDayFirstHour = 7;  // the day view shows 07:00-22:00 local
constexpr int kDayLastHour = 22;

class TimelineView : public AdminView {
 public:
  void Draw(AdminContext& ctx) override {
    if (!day_.valid() || day_.year < 2000) {
      auto opening = CivilDate::Parse(ctx.open_date);
      day_ = opening.ok() ? *opening : ctx.tz.LocalDate(ctx.agent->ServerNow());
      week_ = ctx.open_week;
    }
    Toolbar(ctx);
    Rebuild(ctx);
    if (!problem_.empty()) {
      TextColoured(colour::kBad, problem_);
      return;
    }
    Grid(ctx);
  }

 private:
  void Toolbar(AdminContext& ctx) {
    if (ImGui::Button(ctx.T("admin.timeline.today").c_str())) day_ = ctx.tz.LocalDate(ctx.agent->ServerNow());
    ImGui::SameLine();
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) day_ = day_.AddDays(week_ ? -7 : -1);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) day_ = day_.AddDays(week_ ? 7 : 1);
    Mark("timeline.next");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    const CivilDate first = week_ ? day_.MondayOfWeek() : day_;
    std::string label = first.ToString() + " " + WeekdayName(ctx, first.IsoWeekday());
    if (week_) label = first.ToString() + " – " + first.AddDays(6).ToString();
    ImGui::TextUnformatted(label.c_str());
    ImGui::SameLine();
    if (ImGui::RadioButton(ctx.T("admin.timeline.day").c_str(), !week_)) week_ = false;
    ImGui::SameLine();
    if (ImGui::RadioButton(ctx.T("admin.timeline.week").c_str(), week_)) week_ = true;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ctx.u * 8);
    TypeCombo(ctx, "##type", &type_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ctx.u * 10);
    SchoolCombo(ctx, "##school", &school_, true);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ctx.u * 8);
    InputTextHint("##feature", ctx.T("admin.timeline.feature"), &feature_);
    ImGui::SameLine();
    ImGui::Checkbox(ctx.T("admin.timeline.shared_only").c_str(), &shared_only_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ctx.u * 7);
    ImGui::SliderFloat("##zoom", &zoom_, 1.0f, 6.0f, ctx.T("admin.timeline.zoom").c_str());
    Legend(ctx);
  }

  void Legend(AdminContext& ctx) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float s = ctx.u * 0.7f;
    auto swatch = [&](ImU32 fill, ImU32 border, const std::string& text) {
      const ImVec2 p = ImGui::GetCursorScreenPos();
      dl->AddRectFilled(ImVec2(p.x, p.y + 3), ImVec2(p.x + s * 1.6f, p.y + s + 3), fill, 3);
      dl->AddRect(ImVec2(p.x, p.y + 3), ImVec2(p.x + s * 1.6f, p.y + s + 3), border, 3, 0, 2.5f);
      ImGui::Dummy(ImVec2(s * 1.7f, s));
      ImGui::SameLine();
      TextColoured(colour::kMuted, text);
      ImGui::SameLine();
    };
    swatch(SchoolColour(0), StatusColour(BookingStatus::kConfirmed), ctx.T("booking_status.confirmed"));
    swatch(SchoolColour(0), StatusColour(BookingStatus::kPending), ctx.T("booking_status.pending"));
    swatch(IM_COL32(200, 200, 200, 255), colour::kMuted, ctx.T("admin.timeline.cancelled_or_rejected"));
    swatch(IM_COL32(60, 60, 60, 90), IM_COL32(60, 60, 60, 160), ctx.T("admin.timeline.blackout"));
    TextColoured(colour::kMuted, ctx.T("admin.timeline.legend_usage"));
  }

  void Rebuild(AdminContext& ctx) {
    TimelineQuery q;
    const CivilDate first = week_ ? day_.MondayOfWeek() : day_;
    auto from = ctx.tz.ToInstant(first, 0);
    auto to = ctx.tz.ToInstant(first.AddDays(week_ ? 7 : 1), 0);
    if (!from.ok() || !to.ok()) return;
    q.from = *from;
    q.to = *to;
    q.type = type_;
    q.school_id = school_;
    q.feature = feature_;
    q.shared_only = shared_only_;
    const std::string key = std::to_string(q.from) + "|" + std::to_string(q.to) + "|" +
                            (type_ ? ToString(*type_) : "") + "|" + school_ + "|" + feature_ + "|" +
                            (shared_only_ ? "s" : "");
    if (key == built_key_ && ctx.data_generation == built_generation_) return;
    built_key_ = key;
    built_generation_ = ctx.data_generation;
    std::set<std::string> awaiting;
    if (auto a = ctx.agent->AwaitingServer(); a.ok()) awaiting = *a;
    auto t = BuildTimeline(*ctx.replica, q, ctx.agent->ServerNow(), awaiting);
    problem_.clear();
    if (!t.ok()) {
      problem_ = DescribeStatus(ctx.lang, t.status());
      return;
    }
    timeline_ = std::move(t).value();
    // A manager's own venues come first: they are what the manager books and approves most.
    std::stable_partition(timeline_.rows.begin(), timeline_.rows.end(),
                          [&](const TimelineRow& r) { return r.resource.school_id == ctx.actor.school_id; });
    schools_.clear();
    if (auto s = ctx.replica->ListSchools(); s.ok()) {
      for (const auto& school : *s) schools_[school.id] = school;
    }
  }

  // The visible span of one row: the day 07:00-22:00, or the whole week.
  struct Span {
    Instant from, to;
  };
  std::vector<Span> Spans(const AdminContext& ctx) const {
    std::vector<Span> spans;
    const CivilDate first = ctx.tz.LocalDate(timeline_.from);
    for (int d = 0; d < (week_ ? 7 : 1); ++d) {
      auto a = ctx.tz.ToInstant(first.AddDays(d), kDayFirstHour * 60);
      auto b = ctx.tz.ToInstant(first.AddDays(d), kDayLastHour * 60);
      if (a.ok() && b.ok()) spans.push_back({*a, *b});
    }
    return spans;
  }

  void Grid(AdminContext& ctx) {
    const float u = ctx.u;
    const float name_w = u * 13;
    const float row_h = u * 2.0f;
    const float header_h = u * 1.6f;
    const std::vector<Span> spans = Spans(ctx);
    // At zoom 1 the span fills the width; zooming in scrolls sideways.
    const float fit_w = (ImGui::GetContentRegionAvail().x - name_w - u * 1.5f) /
                        static_cast<float>((kDayLastHour - kDayFirstHour) * spans.size());
    const float hour_w = std::max(u * (week_ ? 0.4f : 1.0f), fit_w) * zoom_;
    const float span_w = hour_w * (kDayLastHour - kDayFirstHour);
    const float grid_w = span_w * static_cast<float>(spans.size());
    ImGui::BeginChild("grid", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
    // Ctrl + wheel zooms the time axis; the wheel alone scrolls the rows.
    if (ImGui::IsWindowHovered() && ImGui::GetIO().KeyCtrl && ImGui::GetIO().MouseWheel != 0) {
      zoom_ = std::clamp(zoom_ * (ImGui::GetIO().MouseWheel > 0 ? 1.25f : 0.8f), 1.0f, 6.0f);
    }
    if (timeline_.rows.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.timeline.no_resources"));
      ImGui::EndChild();
      return;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float scroll_x = ImGui::GetScrollX();
    // Header: hours (day) or days with hours (week), pinned to the top of the visible area.
    const float header_y = origin.y + ImGui::GetScrollY();
    const float grid_x = origin.x + name_w;
    auto x_of = [&](Instant t) -> float {
      for (std::size_t i = 0; i < spans.size(); ++i) {
        if (t < spans[i].from) return grid_x + span_w * static_cast<float>(i);
        if (t <= spans[i].to)
          return grid_x + span_w * static_cast<float>(i) + static_cast<float>(t - spans[i].from) / 3600.0f * hour_w;
      }
      return grid_x + grid_w;
    };
    ImGui::Dummy(ImVec2(name_w + grid_w, header_h));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(timeline_.rows.size()), row_h);
    const Instant now = ctx.agent->ServerNow();
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
        Row(ctx, timeline_.rows[i], x_of, spans, grid_x, grid_w, name_w, row_h, scroll_x);
    }
    clipper.End();
    // Now: a red line.
    if (now >= timeline_.from && now < timeline_.to) {
      const float x = x_of(now);
      dl->AddLine(ImVec2(x, header_y), ImVec2(x, header_y + ImGui::GetWindowHeight()), colour::kBad, 2);
    }
    // The header last, over the rows that scrolled under it.
    dl->AddRectFilled(ImVec2(origin.x + scroll_x, header_y), ImVec2(grid_x + grid_w, header_y + header_h),
                      IM_COL32(255, 255, 255, 255));
    for (std::size_t d = 0; d < spans.size(); ++d) {
      const float x0 = grid_x + span_w * static_cast<float>(d);
      if (week_) {
        const CivilDate date = ctx.tz.LocalDate(spans[d].from);
        const std::string label = WeekdayName(ctx, date.IsoWeekday()) + " " + date.ToString().substr(5);
        dl->AddText(ImVec2(x0 + 4, header_y), colour::kText, label.c_str());
        dl->AddLine(ImVec2(x0, header_y), ImVec2(x0, header_y + header_h), colour::kMuted, 2);
      } else {
        for (int h = kDayFirstHour; h < kDayLastHour; ++h) {
          char label[8];
          std::snprintf(label, sizeof label, "%02d:00", h);
          dl->AddText(ImVec2(x0 + hour_w * static_cast<float>(h - kDayFirstHour) + 3, header_y), colour::kMuted, label);
        }
      }
    }
    Mark("timeline.grid");
    ImGui::EndChild();
  }

  template <typename XOf>
  void Row(AdminContext& ctx, const TimelineRow& row, const XOf& x_of, const std::vector<Span>& spans, float grid_x,
           float grid_w, float name_w, float row_h, float scroll_x) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const Resource& r = row.resource;
    // The name column stays visible when the grid scrolls sideways.
    const float name_x = p.x + scroll_x;
    const ImVec2 row_min(grid_x, p.y);
    const ImVec2 row_max(grid_x + grid_w, p.y + row_h);
    ImGui::PushID(r.id.c_str());
    // The clickable grid: an invisible button over the whole row.
    ImGui::SetCursorScreenPos(row_min);
    ImGui::InvisibleButton("row", ImVec2(grid_w, row_h - 2));
    const bool row_hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    Mark("timeline.row." + r.id);
    const float hour_w = (x_of(spans.front().from + 3600) - x_of(spans.front().from));
    // Grid lines by hour.
    for (std::size_t d = 0; d < spans.size(); ++d) {
      for (int h = 0; h <= kDayLastHour - kDayFirstHour; ++h) {
        const float x = x_of(spans[d].from) + hour_w * static_cast<float>(h);
        dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + row_h), h == 0 ? colour::kMuted : colour::kGrid);
      }
    }
    dl->AddLine(ImVec2(grid_x, p.y + row_h - 1), ImVec2(grid_x + grid_w, p.y + row_h - 1), colour::kGrid);
    for (const Blackout& b : row.blackouts) {
      dl->AddRectFilled(ImVec2(x_of(b.start), p.y + 2), ImVec2(x_of(b.end), p.y + row_h - 3), IM_COL32(60, 60, 60, 90));
    }
    const TimelineBar* hovered = nullptr;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (const TimelineBar& bar : row.bars) {
      const float x0 = x_of(bar.start), x1 = std::max(x_of(bar.end), x0 + 3);
      const ImVec2 a(x0 + 1, p.y + 3), b(x1 - 1, p.y + row_h - 4);
      const bool held = bar.status == BookingStatus::kConfirmed || bar.status == BookingStatus::kPending;
      ImU32 fill = held ? SchoolColour(bar.school_colour) : IM_COL32(210, 210, 210, 255);
      if (!held) fill = IM_COL32(215, 215, 215, 255);
      dl->AddRectFilled(a, b, fill, 4);
      dl->AddRect(a, b, StatusColour(bar.status), 4, 0, bar.status == BookingStatus::kPending ? 3.0f : 1.5f);
      if (bar.awaiting_server)
        dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(b.x + 2, b.y + 2), colour::kAccent, 4, 0, 1);
      if (bar.overran) dl->AddRectFilled(ImVec2(b.x - 5, a.y), b, colour::kBad);
      const char* mark = UsageMark(bar.usage);
      std::string text = std::string(mark) + bar.title;
      dl->PushClipRect(a, ImVec2(b.x - 2, b.y), true);
      dl->AddText(ImVec2(a.x + 4, a.y + (b.y - a.y - ImGui::GetFontSize()) * 0.5f),
                  held ? IM_COL32(255, 255, 255, 255) : colour::kMuted, text.c_str());
      dl->PopClipRect();
      if (row_hovered && mouse.x >= a.x && mouse.x <= b.x) hovered = &bar;
    }
    // The name column, drawn over the grid so it stays readable when scrolled.
    dl->AddRectFilled(ImVec2(name_x, p.y), ImVec2(name_x + name_w - 4, p.y + row_h), IM_COL32(255, 255, 255, 255));
    const auto owner = schools_.find(r.school_id);
    dl->AddRectFilled(ImVec2(name_x, p.y + 3), ImVec2(name_x + 5, p.y + row_h - 4),
                      SchoolColour(owner == schools_.end() ? 0 : SchoolIndex(r.school_id)));
    dl->PushClipRect(ImVec2(name_x, p.y), ImVec2(name_x + name_w - 6, p.y + row_h), true);
    dl->AddText(ImVec2(name_x + 10, p.y + 2), colour::kText, Name(ctx, r).c_str());
    const std::string sub =
        (owner == schools_.end() ? r.school_id : Name(ctx, owner->second)) + " · " +
        ctx.T((std::string("resource_type.") + ToString(r.type)).c_str()) +
        (r.type == ResourceType::kEquipment ? " ×" + std::to_string(r.quantity) : " · " + std::to_string(r.capacity));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize() * 0.8f, ImVec2(name_x + 10, p.y + ImGui::GetFontSize() + 2),
                colour::kMuted, sub.c_str());
    dl->PopClipRect();
    if (hovered) {
      HoverCard(ctx, r, *hovered);
    } else if (row_hovered) {
      ImGui::SetTooltip("%s", ctx.T("admin.timeline.click_to_book").c_str());
    }
    if (clicked && !hovered) StartBooking(ctx, r, x_of, spans, mouse.x);
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + row_h));
    ImGui::Dummy(ImVec2(0, 0));
    ImGui::PopID();
  }

  template <typename XOf>
  void StartBooking(AdminContext& ctx, const Resource& r, const XOf& x_of, const std::vector<Span>& spans, float x) {
    // The instant under the pointer.
    Instant t = 0;
    for (const Span& s : spans) {
      const float a = x_of(s.from), b = x_of(s.to);
      if (x >= a && x <= b) t = s.from + static_cast<Instant>((x - a) / (b - a) * static_cast<float>(s.to - s.from));
    }
    if (t == 0) return;
    const auto owner = schools_.find(r.school_id);
    if (owner == schools_.end()) return;
    const Slot slot = SnapToPeriod(owner->second, ctx.tz, t);
    BookingForm form;
    form.resource_id = r.id;
    form.school_id = ctx.actor.school_id.empty() ? r.school_id : ctx.actor.school_id;
    form.start = slot.start;
    form.end = slot.end;
    if (r.type == ResourceType::kEquipment) form.quantity = 1;
    ctx.open_booking = form;
  }

  void HoverCard(AdminContext& ctx, const Resource& r, const TimelineBar& bar) {
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(bar.title.c_str());
    const auto school = schools_.find(bar.school_id);
    ImGui::TextUnformatted((ctx.Date(bar.start) + " " + ctx.Time(bar.start) + "–" + ctx.Time(bar.end)).c_str());
    ImGui::TextUnformatted((Name(ctx, r) + " · " +
                            (school == schools_.end() ? bar.school_id : Name(ctx, school->second)) + " · " +
                            bar.organizer)
                               .c_str());
    TextColoured(StatusColour(bar.status), ctx.T((std::string("booking_status.") + ToString(bar.status)).c_str()));
    if (bar.usage != UsageState::kNone) {
      ImGui::SameLine();
      ImGui::TextUnformatted(("· " + ctx.T((std::string("usage.") + ToString(bar.usage)).c_str())).c_str());
    }
    if (bar.overran) TextColoured(colour::kBad, ctx.T("admin.timeline.overran"));
    if (bar.awaiting_server) TextColoured(colour::kAccent, ctx.T("admin.timeline.awaiting_server"));
    TextColoured(colour::kMuted, ctx.T("admin.timeline.code", {{"code", bar.code}}));
    ImGui::EndTooltip();
  }

  static const char* UsageMark(UsageState s) {
    switch (s) {
      case UsageState::kCheckedIn:
        return "● ";
      case UsageState::kCheckedOut:
        return "✓ ";
      case UsageState::kNoShow:
        return "× ";
      default:
        return "";
    }
  }

  int SchoolIndex(const std::string& id) const {
    int i = 0;
    for (const auto& [sid, s] : schools_) {
      if (sid == id) return i;
      ++i;
    }
    return 0;
  }

  CivilDate day_{0, 0, 0};
  bool week_ = false;
  std::optional<ResourceType> type_;
  std::string school_;
  std::string feature_;
  bool shared_only_ = false;
  float zoom_ = 1.0f;
  std::string built_key_;
  std::uint64_t built_generation_ = ~std::uint64_t{0};
  Timeline timeline_;
  std::string problem_;
  std::map<std::string, School> schools_;
};

}  // namespace

std::unique_ptr<AdminView> MakeTimelineView() { return std::make_unique<TimelineView>(); }

}  // namespace schoolshare::admin
