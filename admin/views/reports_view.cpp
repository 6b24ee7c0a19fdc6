// Reports: utilization as a weekday x hour heat map with its legend and a weekly trend, the sharing
// ledger as a host x borrower matrix with hosted-vs-borrowed bars, and the equity of weak schools
// against the rest with the Gini index with and without sharing; a month or a term, the manager's
// school or the district; each report exported as CSV. Charts are drawn with ImGui's draw lists from
// values the model computed once per change (model/reports_view.h), never per frame.
#include "model/reports_view.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app/widgets.h"
#include "schoolshare/report_format.h"
#include "views/view_util.h"
#include "views/views.h"

namespace schoolshare::admin {
namespace {

constexpr ImU32 kBooked = IM_COL32(0, 90, 180, 255);
constexpr ImU32 kUsed = IM_COL32(0, 150, 90, 255);
constexpr ImU32 kHosted = IM_COL32(0, 110, 190, 255);
constexpr ImU32 kBorrowed = IM_COL32(230, 120, 20, 255);

std::string Hours(double h) { return FormatHours(h); }

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// From a pale grey-blue at 0 to a deep colour at 1.
ImU32 Ramp(double v, ImU32 deep) {
  const float t = static_cast<float>(std::clamp(v, 0.0, 1.0));
  auto mix = [&](int from, int to) { return static_cast<int>(std::lround(from + (to - from) * t)); };
  const int r = (deep >> IM_COL32_R_SHIFT) & 0xFF;
  const int g = (deep >> IM_COL32_G_SHIFT) & 0xFF;
  const int b = (deep >> IM_COL32_B_SHIFT) & 0xFF;
  return IM_COL32(mix(244, r), mix(246, g), mix(250, b), 255);
}

// A section title in the large font.
void Title(const AdminContext& ctx, const std::string& text) {
  ImGui::PushFont(ctx.large);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopFont();
}

void Swatch(const AdminContext& ctx, ImU32 colour, const std::string& text) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float s = ctx.u * 0.7f;
  dl->AddRectFilled(ImVec2(p.x, p.y + ctx.u * 0.2f), ImVec2(p.x + s * 1.6f, p.y + ctx.u * 0.2f + s), colour, 2);
  ImGui::Dummy(ImVec2(s * 1.7f, s));
  ImGui::SameLine();
  ImGui::TextUnformatted(text.c_str());
}

class ReportsView : public AdminView {
 public:
  void Draw(AdminContext& ctx) override {
    if (!query_.period.first.valid() || query_.period.first.year < 2000) {
      query_.period = PeriodContaining(PeriodKind::kMonth, ctx.tz.LocalDate(ctx.agent->ServerNow()));
    }
    Toolbar(ctx);
    Rebuild(ctx);
    if (!problem_.empty()) {
      TextColoured(colour::kBad, problem_);
      return;
    }
    if (!data_) return;
    ImGui::BeginChild("reports", ImVec2(0, 0), false);
    Summary(ctx);
    const float gap = ctx.u;
    const float half = (ImGui::GetContentRegionAvail().x - gap) / 2;
    if (ImGui::BeginTable("charts", 2, ImGuiTableFlags_SizingStretchSame)) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      HeatMapChart(ctx, half);
      ImGui::TableNextColumn();
      TrendChart(ctx, half);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Dummy(ImVec2(0, ctx.u * 0.5f));
      MatrixChart(ctx, half);
      ImGui::TableNextColumn();
      ImGui::Dummy(ImVec2(0, ctx.u * 0.5f));
      BalanceBars(ctx, half);
      ImGui::EndTable();
    }
    ImGui::Dummy(ImVec2(0, ctx.u * 0.5f));
    EquityPanel(ctx);
    ImGui::EndChild();
  }

 private:
  void Toolbar(AdminContext& ctx) {
    if (ImGui::RadioButton(ctx.T("admin.reports.month").c_str(), query_.period.kind == PeriodKind::kMonth)) {
      query_.period = PeriodContaining(PeriodKind::kMonth, query_.period.first);
    }
    ImGui::SameLine();
    if (ImGui::RadioButton(ctx.T("admin.reports.term").c_str(), query_.period.kind == PeriodKind::kTerm)) {
      query_.period = PeriodContaining(PeriodKind::kTerm, query_.period.first);
    }
    ImGui::SameLine();
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) query_.period = StepPeriod(query_.period, -1);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(PeriodLabel(query_.period, ctx.lang).c_str());
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) query_.period = StepPeriod(query_.period, 1);
    Mark("reports.next");
    if (!ctx.actor.school_id.empty()) {
      ImGui::SameLine(0, ctx.u * 2);
      if (ImGui::RadioButton(ctx.T("admin.reports.my_school").c_str(), !query_.district)) query_.district = false;
      ImGui::SameLine();
      if (ImGui::RadioButton(ctx.T("admin.reports.district").c_str(), query_.district)) query_.district = true;
      Mark("reports.district");
    }
    ImGui::SameLine(0, ctx.u * 2);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(ctx.T("admin.reports.export").c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ctx.u * 7);
    const char* kinds[] = {"admin.reports.utilization", "admin.reports.ledger", "admin.reports.equity"};
    if (ImGui::BeginCombo("##kind", ctx.T(kinds[static_cast<int>(export_kind_)]).c_str())) {
      for (int i = 0; i < 3; ++i) {
        if (ImGui::Selectable(ctx.T(kinds[i]).c_str(), i == static_cast<int>(export_kind_))) {
          export_kind_ = static_cast<ReportKind>(i);
          if (!path_edited_) path_.clear();
        }
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (path_.empty() && data_) path_ = DefaultPath(*data_);
    ImGui::SetNextItemWidth(ctx.u * 20);
    if (InputString("##path", &path_)) path_edited_ = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ctx.T("admin.reports.path_hint").c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(!data_ || path_.empty());
    if (ImGui::Button(ctx.T("admin.reports.export_csv").c_str())) Export(ctx);
    ImGui::EndDisabled();
    Mark("reports.export");
  }

  static std::string DefaultPath(const ReportsData& d, ReportKind kind) {
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/" + DefaultCsvName(d, kind);
  }
  std::string DefaultPath(const ReportsData& d) const { return DefaultPath(d, export_kind_); }

  void Export(AdminContext& ctx) {
    Status s = WriteTextFile(path_, ReportCsv(*data_, export_kind_, ctx.lang));
    if (s.ok()) {
      ctx.notice = ctx.T("admin.reports.exported", {{"path", path_}});
    } else {
      ctx.error = ctx.T("admin.reports.export_failed", {{"why", DescribeStatus(ctx.lang, s)}});
    }
  }

  void Rebuild(AdminContext& ctx) {
    if (built_generation_ == ctx.data_generation && built_query_ == query_ && data_) return;
    built_generation_ = ctx.data_generation;
    built_query_ = query_;
    problem_.clear();
    auto d = BuildReportsView(*ctx.replica, ctx.actor, ctx.district_id, query_);
    if (!d.ok()) {
      problem_ = DescribeStatus(ctx.lang, d.status());
      data_.reset();
      return;
    }
    data_ = std::move(d).value();
    if (!path_edited_) path_ = DefaultPath(*data_);
  }

  void Summary(AdminContext& ctx) {
    const UtilizationRow& t = data_->utilization.total;
    const std::string scope = data_->school_id.empty() ? ctx.T("admin.reports.district_scope",
                                                               {{"name", data_->Name(data_->district_id, ctx.lang)}})
                                                       : data_->Name(data_->school_id, ctx.lang);
    Title(ctx, ctx.T("admin.reports.title", {{"scope", scope}, {"period", PeriodLabel(query_.period, ctx.lang)}}));
    ImGui::TextUnformatted(ctx.T("admin.reports.summary", {{"opening", Hours(t.opening_hours)},
                                                           {"booked", Hours(t.booked_hours)},
                                                           {"used", Hours(t.used_hours)},
                                                           {"booked_pct", Fixed(t.booked_share() * 100, 1)},
                                                           {"used_pct", Fixed(t.used_share() * 100, 1)},
                                                           {"bookings", std::to_string(t.bookings)}})
                               .c_str());
  }

  // Weekday rows x hour columns; the hours shown are 07-21 and any other hour with bookings.
  void HeatMapChart(AdminContext& ctx, float width) {
    Title(ctx, ctx.T("admin.reports.heat_title"));
    if (ImGui::RadioButton(ctx.T("admin.reports.booked").c_str(), !heat_used_)) heat_used_ = false;
    ImGui::SameLine();
    if (ImGui::RadioButton(ctx.T("admin.reports.used").c_str(), heat_used_)) heat_used_ = true;
    const HeatMap& heat = heat_used_ ? data_->heat_used : data_->heat_booked;
    int first = 7, last = 21;
    for (int d = 0; d < 7; ++d) {
      for (int h = 0; h < 24; ++h) {
        if (heat.hours[d][h] > 0) {
          first = std::min(first, h);
          last = std::max(last, h);
        }
      }
    }
    const int columns = last - first + 1;
    const float label_w = ctx.u * 3.5f;
    const float cell_w = std::max(ctx.u, (width - label_w - ctx.u) / static_cast<float>(columns));
    const float cell_h = ctx.u * 1.5f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 grid(origin.x + label_w, origin.y + ctx.u * 1.3f);
    for (int h = first; h <= last; h += (cell_w < ctx.u * 1.8f ? 2 : 1)) {
      char label[8];
      std::snprintf(label, sizeof label, "%d", h);
      dl->AddText(ImVec2(grid.x + (h - first) * cell_w + 2, origin.y), colour::kMuted, label);
    }
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (int d = 0; d < 7; ++d) {
      const float y = grid.y + d * cell_h;
      dl->AddText(ImVec2(origin.x, y + (cell_h - ctx.u) / 2), colour::kText, WeekdayName(ctx, d + 1).c_str());
      for (int h = first; h <= last; ++h) {
        const ImVec2 a(grid.x + (h - first) * cell_w, y);
        const ImVec2 b(a.x + cell_w - 1, a.y + cell_h - 1);
        dl->AddRectFilled(a, b, Ramp(heat.Value(d, h), heat_used_ ? kUsed : kBooked));
        if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
          ImGui::SetTooltip("%s", ctx.T("admin.reports.heat_cell", {{"day", WeekdayName(ctx, d + 1)},
                                                                    {"from", FormatMinuteOfDay(h * 60)},
                                                                    {"to", FormatMinuteOfDay((h + 1) * 60)},
                                                                    {"hours", Hours(heat.hours[d][h])}})
                                      .c_str());
        }
      }
    }
    // The legend: the ramp from 0 to the busiest cell's hours.
    const float ly = grid.y + 7 * cell_h + ctx.u * 0.5f;
    const float lw = ctx.u * 10;
    const ImVec2 la(grid.x, ly);
    const ImVec2 lb(grid.x + lw, ly + ctx.u * 0.8f);
    const ImU32 deep = heat_used_ ? kUsed : kBooked;
    dl->AddRectFilledMultiColor(la, lb, Ramp(0, deep), Ramp(1, deep), Ramp(1, deep), Ramp(0, deep));
    dl->AddRect(la, lb, colour::kGrid);
    const std::string zero = ctx.T("admin.reports.hours", {{"h", "0"}});
    const std::string top = ctx.T("admin.reports.hours", {{"h", Hours(heat.max_hours)}});
    dl->AddText(ImVec2(origin.x, ly - ctx.u * 0.15f), colour::kMuted, zero.c_str());
    dl->AddText(ImVec2(lb.x + ctx.u * 0.4f, ly - ctx.u * 0.15f), colour::kMuted, top.c_str());
    const std::string note = ctx.T("admin.reports.heat_legend");
    dl->AddText(ImVec2(lb.x + ctx.u * 0.8f + ImGui::CalcTextSize(top.c_str()).x, ly - ctx.u * 0.15f), colour::kMuted,
                note.c_str());
    ImGui::Dummy(ImVec2(width, ly + ctx.u * 1.2f - origin.y));
  }

  // Booked and used hours per ISO week, as two lines over a grid.
  void TrendChart(AdminContext& ctx, float width) {
    Title(ctx, ctx.T("admin.reports.trend_title"));
    Swatch(ctx, kBooked, ctx.T("admin.reports.booked"));
    ImGui::SameLine(0, ctx.u);
    Swatch(ctx, kUsed, ctx.T("admin.reports.used"));
    const auto& trend = data_->trend;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float axis_w = ctx.u * 3;
    const float height = ctx.u * 1.5f * 7 + ctx.u * 0.3f;
    const ImVec2 a(origin.x + axis_w, origin.y + ctx.u * 0.5f);
    const ImVec2 b(origin.x + width - ctx.u, origin.y + height);
    const double top = NiceCeiling(data_->trend_max);
    for (int i = 0; i <= 4; ++i) {
      const float y = b.y - (b.y - a.y) * static_cast<float>(i) / 4;
      dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), colour::kGrid);
      const std::string label = Hours(top * i / 4);
      dl->AddText(ImVec2(origin.x, y - ctx.u * 0.5f), colour::kMuted, label.c_str());
    }
    if (trend.empty()) {
      ImGui::Dummy(ImVec2(width, height + ctx.u * 1.5f));
      return;
    }
    const float step = trend.size() > 1 ? (b.x - a.x) / static_cast<float>(trend.size() - 1) : 0;
    auto point = [&](std::size_t i, double v) {
      return ImVec2(a.x + step * static_cast<float>(i), b.y - (b.y - a.y) * static_cast<float>(top > 0 ? v / top : 0));
    };
    std::vector<ImVec2> booked, used;
    for (std::size_t i = 0; i < trend.size(); ++i) {
      booked.push_back(point(i, trend[i].booked_hours));
      used.push_back(point(i, trend[i].used_hours));
    }
    dl->AddPolyline(booked.data(), static_cast<int>(booked.size()), kBooked, 0, 2.5f);
    dl->AddPolyline(used.data(), static_cast<int>(used.size()), kUsed, 0, 2.5f);
    const int every = std::max(1, static_cast<int>(std::ceil(ctx.u * 3.5f / std::max(step, 1.0f))));
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (std::size_t i = 0; i < trend.size(); ++i) {
      dl->AddCircleFilled(booked[i], 3, kBooked);
      dl->AddCircleFilled(used[i], 3, kUsed);
      if (static_cast<int>(i) % every == 0) {
        const std::string week = trend[i].week.substr(trend[i].week.find('W'));
        const float w = ImGui::CalcTextSize(week.c_str()).x;
        dl->AddText(ImVec2(std::clamp(booked[i].x - w / 2, a.x - w / 2, b.x - w), b.y + 2), colour::kMuted,
                    week.c_str());
      }
      if (std::fabs(mouse.x - booked[i].x) < std::max(step / 2, 4.0f) && mouse.y >= a.y && mouse.y <= b.y) {
        dl->AddLine(ImVec2(booked[i].x, a.y), ImVec2(booked[i].x, b.y), colour::kMuted);
        ImGui::SetTooltip("%s", ctx.T("admin.reports.trend_point", {{"week", trend[i].week},
                                                                    {"monday", trend[i].monday.ToString()},
                                                                    {"booked", Hours(trend[i].booked_hours)},
                                                                    {"used", Hours(trend[i].used_hours)},
                                                                    {"opening", Hours(trend[i].opening_hours)}})
                                    .c_str());
      }
    }
    ImGui::Dummy(ImVec2(width, height + ctx.u * 1.5f));
  }

  static double NiceCeiling(double v) {
    if (v <= 0) return 4;
    const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
      if (v <= m * magnitude) return m * magnitude;
    }
    return 10 * magnitude;
  }

  // Host schools as rows (numbered), borrowers as columns (the same numbers); cells in booked hours.
  void MatrixChart(AdminContext& ctx, float width) {
    Title(ctx, ctx.T("admin.reports.ledger_title"));
    TextColoured(colour::kMuted, ctx.T("admin.reports.ledger_axes"));
    const LedgerMatrix& m = data_->matrix;
    if (m.schools.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.reports.no_sharing"));
      return;
    }
    const std::size_t n = m.schools.size();
    float label_w = 0;
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < n; ++i) {
      labels.push_back(std::to_string(i + 1) + ". " + data_->Name(m.schools[i], ctx.lang));
      label_w = std::max(label_w, ImGui::CalcTextSize(labels.back().c_str()).x);
    }
    label_w = std::min(label_w + ctx.u * 0.5f, width * 0.45f);
    const float cell = std::clamp((width - label_w - ctx.u) / static_cast<float>(n), ctx.u * 1.6f, ctx.u * 2.4f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 grid(origin.x + label_w, origin.y + ctx.u * 1.3f);
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (std::size_t j = 0; j < n; ++j) {
      const std::string number = std::to_string(j + 1);
      const float w = ImGui::CalcTextSize(number.c_str()).x;
      dl->AddText(ImVec2(grid.x + j * cell + (cell - w) / 2, origin.y), colour::kMuted, number.c_str());
    }
    for (std::size_t i = 0; i < n; ++i) {
      const float y = grid.y + i * cell;
      dl->PushClipRect(ImVec2(origin.x, y), ImVec2(grid.x - ctx.u * 0.3f, y + cell), true);
      dl->AddText(ImVec2(origin.x, y + (cell - ctx.u) / 2), colour::kText, labels[i].c_str());
      dl->PopClipRect();
      for (std::size_t j = 0; j < n; ++j) {
        const ImVec2 a(grid.x + j * cell, y);
        const ImVec2 b(a.x + cell - 1, a.y + cell - 1);
        const double h = m.hours[i][j];
        dl->AddRectFilled(a, b, i == j ? colour::kPanel : Ramp(m.max_hours > 0 ? h / m.max_hours : 0, kBorrowed));
        if (h > 0 && cell >= ctx.u * 2) {
          const std::string text = Fixed(h, h < 10 ? 1 : 0);
          const ImVec2 size = ImGui::CalcTextSize(text.c_str());
          const bool dark = m.max_hours > 0 && h / m.max_hours > 0.55;
          dl->AddText(ImVec2(a.x + (cell - size.x) / 2, a.y + (cell - size.y) / 2),
                      dark ? IM_COL32(255, 255, 255, 255) : colour::kText, text.c_str());
        }
        if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
          ImGui::SetTooltip("%s", ctx.T("admin.reports.ledger_cell", {{"host", data_->Name(m.schools[i], ctx.lang)},
                                                                      {"borrower", data_->Name(m.schools[j], ctx.lang)},
                                                                      {"hours", Hours(h)}})
                                      .c_str());
        }
      }
    }
    ImGui::Dummy(ImVec2(width, ctx.u * 1.3f + cell * static_cast<float>(n) + ctx.u * 0.3f));
  }

  // Each school: hours it hosted (others on its resources) and borrowed (on others' resources).
  void BalanceBars(AdminContext& ctx, float width) {
    Title(ctx, ctx.T("admin.reports.balance_title"));
    Swatch(ctx, kHosted, ctx.T("admin.reports.hosted"));
    ImGui::SameLine(0, ctx.u);
    Swatch(ctx, kBorrowed, ctx.T("admin.reports.borrowed"));
    if (data_->balances.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.reports.no_sharing"));
      return;
    }
    float label_w = 0;
    for (const auto& b : data_->balances) {
      label_w = std::max(label_w, ImGui::CalcTextSize(data_->Name(b.school_id, ctx.lang).c_str()).x);
    }
    label_w = std::min(label_w + ctx.u * 0.5f, width * 0.4f);
    const float bar_h = ctx.u * 0.9f;
    const float row_h = bar_h * 2 + ctx.u * 0.5f;
    const float bar_max = width - label_w - ctx.u * 4;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    for (std::size_t i = 0; i < data_->balances.size(); ++i) {
      const SchoolBalance& b = data_->balances[i];
      const float y = origin.y + row_h * static_cast<float>(i);
      dl->PushClipRect(ImVec2(origin.x, y), ImVec2(origin.x + label_w - ctx.u * 0.3f, y + row_h), true);
      dl->AddText(ImVec2(origin.x, y + (bar_h * 2 - ctx.u) / 2), colour::kText,
                  data_->Name(b.school_id, ctx.lang).c_str());
      dl->PopClipRect();
      const float x = origin.x + label_w;
      auto bar = [&](float top, double hours, ImU32 col) {
        const float w = data_->balance_max > 0 ? bar_max * static_cast<float>(hours / data_->balance_max) : 0;
        dl->AddRectFilled(ImVec2(x, top), ImVec2(x + std::max(w, 1.0f), top + bar_h), col, 2);
        const std::string text = Hours(hours);
        dl->AddText(ImVec2(x + w + ctx.u * 0.3f, top + (bar_h - ctx.u) / 2), colour::kText, text.c_str());
      };
      bar(y, b.hosted_hours, kHosted);
      bar(y + bar_h, b.borrowed_hours, kBorrowed);
    }
    ImGui::Dummy(ImVec2(width, row_h * static_cast<float>(data_->balances.size())));
  }

  // Weak schools against the rest (hours per student, available and used) and the Gini index of use
  // with and without sharing.
  void EquityPanel(AdminContext& ctx) {
    Title(ctx, ctx.T("admin.reports.equity_title"));
    const Equity& e = data_->equity;
    if (e.schools.empty()) {
      TextColoured(colour::kMuted, ctx.T("admin.reports.no_students"));
      return;
    }
    struct Group {
      std::string label;
      const EquityGroup* g;
      ImU32 colour;
    };
    const Group groups[] = {{ctx.T("admin.reports.weak", {{"n", std::to_string(e.weak.schools)}}), &e.weak, kBorrowed},
                            {ctx.T("admin.reports.rest", {{"n", std::to_string(e.rest.schools)}}), &e.rest, kHosted}};
    const double top = std::max({e.weak.available_per_student, e.rest.available_per_student, 1e-9});
    const double top_used = std::max({e.weak.used_per_student, e.rest.used_per_student, 1e-9});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float width = ImGui::GetContentRegionAvail().x;
    const float label_w = ctx.u * 12;
    const float col_w = (width - label_w) / 3;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const std::string heads[] = {ctx.T("admin.reports.available_per_student"), ctx.T("admin.reports.used_per_student"),
                                 ctx.T("admin.reports.gini")};
    for (int c = 0; c < 3; ++c) {
      dl->AddText(ImVec2(origin.x + label_w + col_w * c, origin.y), colour::kMuted, heads[c].c_str());
    }
    const float bar_h = ctx.u * 0.9f;
    const float bar_max = col_w - ctx.u * 4;
    auto bar = [&](float x, float y, double value, double max, ImU32 col, const std::string& text) {
      const float w = max > 0 ? bar_max * static_cast<float>(value / max) : 0;
      dl->AddRectFilled(ImVec2(x, y), ImVec2(x + std::max(w, 1.0f), y + bar_h), col, 2);
      dl->AddText(ImVec2(x + w + 4, y + (bar_h - ctx.u) / 2), colour::kText, text.c_str());
    };
    for (int r = 0; r < 2; ++r) {
      const float y = origin.y + ctx.u * 1.4f + r * (bar_h + ctx.u * 0.6f);
      dl->AddText(ImVec2(origin.x, y + (bar_h - ctx.u) / 2), colour::kText, groups[r].label.c_str());
      bar(origin.x + label_w, y, groups[r].g->available_per_student, top, groups[r].colour,
          Fixed(groups[r].g->available_per_student, 2));
      bar(origin.x + label_w + col_w, y, groups[r].g->used_per_student, top_used, groups[r].colour,
          Fixed(groups[r].g->used_per_student, 3));
    }
    // The Gini index on a 0..1 scale: with sharing and on own resources only.
    const std::string with = ctx.T("admin.reports.gini_with", {{"g", Fixed(e.gini_with_sharing, 3)}});
    const std::string without = ctx.T("admin.reports.gini_without", {{"g", Fixed(e.gini_without_sharing, 3)}});
    const float gx = origin.x + label_w + col_w * 2;
    const float gy = origin.y + ctx.u * 1.4f;
    bar(gx, gy, e.gini_with_sharing, 1, kUsed, with);
    bar(gx, gy + bar_h + ctx.u * 0.6f, e.gini_without_sharing, 1, colour::kMuted, without);
    ImGui::Dummy(ImVec2(width, ctx.u * 1.4f + 2 * (bar_h + ctx.u * 0.6f)));
    const double drop = e.gini_without_sharing - e.gini_with_sharing;
    TextColoured(drop > 0 ? colour::kGood : colour::kMuted,
                 ctx.T(drop > 0 ? "admin.reports.gini_lower" : "admin.reports.gini_not_lower",
                       {{"with", Fixed(e.gini_with_sharing, 3)}, {"without", Fixed(e.gini_without_sharing, 3)}}));
  }

  ReportsQuery query_;
  ReportsQuery built_query_;
  std::uint64_t built_generation_ = ~std::uint64_t{0};
  std::optional<ReportsData> data_;
  std::string problem_;
  bool heat_used_ = false;
  ReportKind export_kind_ = ReportKind::kUtilization;
  std::string path_;
  bool path_edited_ = false;
};

}  // namespace

std::unique_ptr<AdminView> MakeReportsView() { return std::make_unique<ReportsView>(); }

}  // namespace schoolshare::admin
