#include "schoolshare/report_format.h"

#include <cstdio>
#include <map>

#include "schoolshare/csv.h"

namespace schoolshare {
namespace {

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", share * 100);
  return buf;
}

std::string Yuan(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(cents) / 100.0);
  return buf;
}

std::string Ratio(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::vector<std::string> Header(Lang lang, std::initializer_list<const char*> keys) {
  std::vector<std::string> h;
  for (const char* k : keys) h.push_back(Tr(lang, std::string("report.col.") + k));
  return h;
}

Json RowJson(const UtilizationRow& r) {
  return {{"id", r.id},
          {"opening_hours", r.opening_hours},
          {"booked_hours", r.booked_hours},
          {"used_hours", r.used_hours},
          {"bookings", r.bookings},
          {"booked_share", r.booked_share()},
          {"used_share", r.used_share()}};
}

Json Period(Instant from, Instant to, const TimeZone& tz) {
  return {{"from", tz.FormatRfc3339(from)}, {"to", tz.FormatRfc3339(to)}};
}

}  // namespace

std::string FormatHours(double hours) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", hours);
  return buf;
}

NameOf StoreNames(Store& store, Lang lang) {
  auto cache = std::make_shared<std::map<std::string, std::string>>();
  return [&store, lang, cache](const std::string& id) -> std::string {
    if (auto it = cache->find(id); it != cache->end()) return it->second;
    std::string name = id;
    if (auto s = store.GetSchool(id); s.ok()) {
      name = lang == Lang::kEn && !s->name_en.empty() ? s->name_en : s->name;
    } else if (auto r = store.GetResource(id); r.ok()) {
      name = lang == Lang::kEn && !r->name_en.empty() ? r->name_en : r->name;
    }
    (*cache)[id] = name;
    return name;
  };
}

ReportTable UtilizationTable(const Utilization& u, Lang lang, const NameOf& name_of) {
  ReportTable t;
  t.header =
      Header(lang, {"kind", "id", "name", "opening_h", "booked_h", "used_h", "bookings", "booked_pct", "used_pct"});
  auto add = [&](const char* kind, const UtilizationRow& r, const std::string& name) {
    t.rows.push_back({Tr(lang, std::string("report.kind.") + kind), r.id, name, FormatHours(r.opening_hours),
                      FormatHours(r.booked_hours), FormatHours(r.used_hours), std::to_string(r.bookings),
                      Percent(r.booked_share()), Percent(r.used_share())});
  };
  for (const auto& r : u.resources) add("resource", r, name_of(r.id));
  for (const auto& r : u.schools) add("school", r, name_of(r.id));
  for (const auto& r : u.types) add("type", r, Tr(lang, "resource_type." + r.id));
  add("total", u.total, "");
  for (const auto& w : u.weeks) {
    UtilizationRow r;
    r.id = w.week;
    r.opening_hours = w.opening_hours;
    r.booked_hours = w.booked_hours;
    r.used_hours = w.used_hours;
    t.rows.push_back({Tr(lang, "report.kind.week"), w.week, w.monday.ToString(), FormatHours(w.opening_hours),
                      FormatHours(w.booked_hours), FormatHours(w.used_hours), "", Percent(r.booked_share()),
                      Percent(r.used_share())});
  }
  return t;
}

std::vector<ReportTable> LedgerTables(const SharingLedger& l, Lang lang, const NameOf& name_of) {
  ReportTable cells;
  cells.header =
      Header(lang, {"owner", "owner_name", "borrower", "borrower_name", "booked_h", "used_h", "fee_yuan", "bookings"});
  for (const auto& c : l.cells) {
    cells.rows.push_back({c.owner_school_id, name_of(c.owner_school_id), c.borrower_school_id,
                          name_of(c.borrower_school_id), FormatHours(c.hours), FormatHours(c.used_hours),
                          Yuan(c.fee_cents), std::to_string(c.bookings)});
  }
  ReportTable schools;
  schools.header = Header(lang, {"school", "name", "hosted_h", "hosted_used_h", "borrowed_h", "borrowed_used_h",
                                 "fees_earned", "fees_paid"});
  for (const auto& s : l.schools) {
    schools.rows.push_back({s.school_id, name_of(s.school_id), FormatHours(s.hosted_hours),
                            FormatHours(s.hosted_used_hours), FormatHours(s.borrowed_hours),
                            FormatHours(s.borrowed_used_hours), Yuan(s.fees_earned_cents), Yuan(s.fees_paid_cents)});
  }
  schools.rows.push_back({Tr(lang, "report.kind.total"), "", FormatHours(l.shared_hours),
                          FormatHours(l.shared_used_hours), FormatHours(l.shared_hours),
                          FormatHours(l.shared_used_hours), Yuan(l.fees_cents), Yuan(l.fees_cents)});
  return {cells, schools};
}

ReportTable EquityTable(const Equity& e, Lang lang, const NameOf& name_of) {
  ReportTable t;
  t.header = Header(lang, {"school", "name", "weak", "students", "own_h", "reachable_h", "available_per_student",
                           "used_h", "used_own_h", "used_per_student", "used_own_per_student"});
  for (const auto& r : e.schools) {
    t.rows.push_back({r.school_id, name_of(r.school_id), r.weak ? Tr(lang, "report.yes") : "",
                      std::to_string(r.students), FormatHours(r.own_hours), FormatHours(r.reachable_hours),
                      Ratio(r.available_per_student()), FormatHours(r.used_hours), FormatHours(r.used_own_hours),
                      Ratio(r.used_per_student()), Ratio(r.used_own_per_student())});
  }
  auto group = [&](const char* key, const EquityGroup& g) {
    t.rows.push_back({Tr(lang, key), std::to_string(g.schools), "", std::to_string(g.students), "", "",
                      Ratio(g.available_per_student), "", "", Ratio(g.used_per_student), ""});
  };
  group("report.group.weak", e.weak);
  group("report.group.rest", e.rest);
  t.rows.push_back({Tr(lang, "report.gini"), "", "", "", "", "", "", "", "", Ratio(e.gini_with_sharing),
                    Ratio(e.gini_without_sharing)});
  return t;
}

ReportTable ReconciliationTable(const Reconciliation& r, Lang lang, const TimeZone& tz, const NameOf& name_of) {
  ReportTable t;
  t.header = Header(
      lang, {"item", "reason", "resource", "booking", "start", "checked_in", "checked_out", "resolved", "resolution"});
  std::map<std::string, const ReconciliationLine*> lines;
  for (const auto& l : r.lines) lines[l.booking.id] = &l;
  for (const auto& item : r.items) {
    auto it = lines.find(item.booking_id);
    const ReconciliationLine* line = it == lines.end() ? nullptr : it->second;
    auto at = [&](Instant t) { return t ? tz.FormatLocal(t) : std::string(); };
    t.rows.push_back({item.id, Tr(lang, "report.reason." + item.reason),
                      item.resource_id.empty() ? "" : name_of(item.resource_id), item.booking_id,
                      line ? at(line->booking.start) : "", line ? at(line->checked_in) : "",
                      line ? at(line->checked_out) : "", item.resolved ? Tr(lang, "report.yes") : "", item.resolution});
  }
  return t;
}

std::string ToCsv(const std::vector<ReportTable>& tables, bool bom) {
  std::string csv(bom ? kUtf8Bom : "");
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (i > 0) csv += "\r\n";
    WriteCsvRow(tables[i].header, &csv);
    for (const auto& row : tables[i].rows) WriteCsvRow(row, &csv);
  }
  return csv;
}

Json ToJson(const Utilization& u, const TimeZone& tz) {
  Json j = Period(u.from, u.to, tz);
  for (const auto& [key, rows] :
       {std::pair{"resources", &u.resources}, std::pair{"schools", &u.schools}, std::pair{"types", &u.types}}) {
    Json list = Json::array();
    for (const auto& r : *rows) list.push_back(RowJson(r));
    j[key] = list;
  }
  j["total"] = RowJson(u.total);
  j["heat_booked"] = u.heat_booked;  // [weekday 0 = Monday][hour]
  j["heat_used"] = u.heat_used;
  Json weeks = Json::array();
  for (const auto& w : u.weeks) {
    weeks.push_back({{"week", w.week},
                     {"monday", w.monday.ToString()},
                     {"opening_hours", w.opening_hours},
                     {"booked_hours", w.booked_hours},
                     {"used_hours", w.used_hours}});
  }
  j["weeks"] = weeks;
  return j;
}

Json ToJson(const SharingLedger& l, const TimeZone& tz) {
  Json j = Period(l.from, l.to, tz);
  Json cells = Json::array(), schools = Json::array();
  for (const auto& c : l.cells) {
    cells.push_back({{"owner_school_id", c.owner_school_id},
                     {"borrower_school_id", c.borrower_school_id},
                     {"hours", c.hours},
                     {"used_hours", c.used_hours},
                     {"fee_cents", c.fee_cents},
                     {"bookings", c.bookings}});
  }
  for (const auto& s : l.schools) {
    schools.push_back({{"school_id", s.school_id},
                       {"hosted_hours", s.hosted_hours},
                       {"hosted_used_hours", s.hosted_used_hours},
                       {"borrowed_hours", s.borrowed_hours},
                       {"borrowed_used_hours", s.borrowed_used_hours},
                       {"fees_earned_cents", s.fees_earned_cents},
                       {"fees_paid_cents", s.fees_paid_cents}});
  }
  j["cells"] = cells;
  j["schools"] = schools;
  j["shared_hours"] = l.shared_hours;
  j["shared_used_hours"] = l.shared_used_hours;
  j["fees_cents"] = l.fees_cents;
  return j;
}

Json ToJson(const Equity& e, const TimeZone& tz) {
  Json j = Period(e.from, e.to, tz);
  Json schools = Json::array();
  for (const auto& r : e.schools) {
    schools.push_back({{"school_id", r.school_id},
                       {"weak", r.weak},
                       {"students", r.students},
                       {"own_hours", r.own_hours},
                       {"reachable_hours", r.reachable_hours},
                       {"used_hours", r.used_hours},
                       {"used_own_hours", r.used_own_hours},
                       {"available_per_student", r.available_per_student()},
                       {"used_per_student", r.used_per_student()},
                       {"used_own_per_student", r.used_own_per_student()}});
  }
  auto group = [](const EquityGroup& g) -> Json {
    return {{"schools", g.schools},
            {"students", g.students},
            {"available_per_student", g.available_per_student},
            {"used_per_student", g.used_per_student}};
  };
  j["schools"] = schools;
  j["weak"] = group(e.weak);
  j["rest"] = group(e.rest);
  j["gini_with_sharing"] = e.gini_with_sharing;
  j["gini_without_sharing"] = e.gini_without_sharing;
  return j;
}

Json ToJson(const Reconciliation& r, const TimeZone& tz) {
  Json j = Period(r.from, r.to, tz);
  j["period"] = ToJson(r.period, tz);
  Json lines = Json::array(), items = Json::array();
  auto at = [&](Instant t) { return t ? Json(tz.FormatRfc3339(t)) : Json(nullptr); };
  for (const auto& l : r.lines) {
    lines.push_back({{"booking_id", l.booking.id},
                     {"code", l.booking.code},
                     {"resource_id", l.booking.resource_id},
                     {"school_id", l.booking.school_id},
                     {"start", tz.FormatRfc3339(l.booking.start)},
                     {"end", tz.FormatRfc3339(l.booking.end)},
                     {"checked_in", at(l.checked_in)},
                     {"checked_out", at(l.checked_out)},
                     {"handed_out", l.handed_out},
                     {"returned", l.returned}});
  }
  for (const auto& i : r.items) items.push_back(ToJson(i, tz));
  j["lines"] = lines;
  j["items"] = items;
  j["open_items"] = r.open_items();
  return j;
}

}  // namespace schoolshare
