// All-or-nothing CSV import; see schoolshare/import.h for the contract and docs/csv-import.md for the
// file formats.
#include "schoolshare/import.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "schoolshare/booking_service.h"
#include "schoolshare/csv.h"
#include "schoolshare/rules.h"

namespace schoolshare {
namespace {

using Params = std::map<std::string, std::string>;

// ---------------------------------------------------------------------------------------------------
// Small text helpers.

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(sep);
    out.append(parts[i]);
  }
  return out;
}

std::optional<int> ParseInt(std::string_view s) {
  int value = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view s) {
  double value = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view s) {
  const std::string w = AsciiLower(s);
  if (w == "true" || w == "1" || w == "yes" || w == "y" || w == "是") return true;
  if (w == "false" || w == "0" || w == "no" || w == "n" || w == "否") return false;
  return std::nullopt;
}

// I/O, corruption and internal failures end the import; every other code is about the data.
bool IsFatal(const Status& s) {
  return s.code() == StatusCode::kIoError || s.code() == StatusCode::kCorruption || s.code() == StatusCode::kInternal ||
         s.code() == StatusCode::kUnavailable;
}

// ---------------------------------------------------------------------------------------------------
// Opening hours and class periods.

constexpr std::array<const char*, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// 1..7 for a day name, 0 when it is not one.
int ParseDay(std::string_view word) {
  static constexpr std::array<std::array<const char*, 4>, 7> kNames = {{
      {"mon", "monday", "周一", "星期一"},
      {"tue", "tuesday", "周二", "星期二"},
      {"wed", "wednesday", "周三", "星期三"},
      {"thu", "thursday", "周四", "星期四"},
      {"fri", "friday", "周五", "星期五"},
      {"sat", "saturday", "周六", "星期六"},
      {"sun", "sunday", "周日", "星期日"},
  }};
  const std::string w = AsciiLower(Trim(word));
  for (int d = 0; d < 7; ++d) {
    for (const char* name : kNames[d]) {
      if (w == name) return d + 1;
    }
  }
  if (w == "周天" || w == "星期天") return 7;
  return 0;
}

// Parses "08:00-18:00" (end before start: the next day) into [start, end) minutes.
std::optional<std::pair<int, int>> ParseTimeRange(std::string_view text) {
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto start = ParseMinuteOfDay(std::string(Trim(text.substr(0, dash))));
  auto end = ParseMinuteOfDay(std::string(Trim(text.substr(dash + 1))));
  if (!start.ok() || !end.ok()) return std::nullopt;
  int s = *start;
  int e = *end;
  if (s >= 24 * 60 || e == s) return std::nullopt;
  if (e < s) e += 24 * 60;  // "18:00-02:00": runs into the next day
  if (e <= s || e - s > 24 * 60) return std::nullopt;
  return std::make_pair(s, e);
}

Status HoursError(Lang lang, std::string_view key, Params params) {
  return Status::InvalidArgument(Tr(lang, key, params));
}

// Days named by a day part: "Mon-Fri", "Mon,Wed", "Fri-Mon", "Daily", "" (every day).
Result<std::vector<int>> ParseDays(std::string_view part, Lang lang) {
  std::string compact;
  for (char c : part) {
    if (c != ' ' && c != '\t') compact.push_back(c);
  }
  const std::string lower = AsciiLower(compact);
  if (compact.empty() || lower == "daily" || lower == "每天") return std::vector<int>{1, 2, 3, 4, 5, 6, 7};
  std::vector<int> days;
  for (std::string_view item : Split(compact, ',')) {
    size_t sep = item.find('-');
    if (sep == std::string_view::npos) sep = item.find('~');
    if (sep == std::string_view::npos) {
      const int d = ParseDay(item);
      if (d == 0) return HoursError(lang, "import.hours.bad_day", {{"value", std::string(item)}});
      days.push_back(d);
      continue;
    }
    const int from = ParseDay(item.substr(0, sep));
    const int to = ParseDay(item.substr(sep + 1));
    if (from == 0 || to == 0) return HoursError(lang, "import.hours.bad_day", {{"value", std::string(item)}});
    for (int d = from;; d = d % 7 + 1) {  // ranges may wrap: Fri-Mon
      days.push_back(d);
      if (d == to) break;
    }
  }
  return days;
}

std::string FormatRange(int start, int end) { return FormatMinuteOfDay(start) + "-" + FormatMinuteOfDay(end); }

}  // namespace

Result<std::vector<WeeklyWindow>> ParseOpeningHours(const std::string& text, Lang lang) {
  std::vector<WeeklyWindow> windows;
  for (std::string_view clause : Split(text, ';')) {
    clause = Trim(clause);
    if (clause.empty()) continue;
    // Day names hold no digits and times start with one: the day part ends at the first digit.
    const size_t first_digit = clause.find_first_of("0123456789");
    if (first_digit == std::string_view::npos) {
      return HoursError(lang, "import.hours.bad_clause", {{"value", std::string(clause)}});
    }
    SS_ASSIGN_OR_RETURN(std::vector<int> days, ParseDays(clause.substr(0, first_digit), lang));
    for (std::string_view range : Split(clause.substr(first_digit), ',')) {
      auto parsed = ParseTimeRange(Trim(range));
      if (!parsed) return HoursError(lang, "import.hours.bad_range", {{"value", std::string(Trim(range))}});
      for (int d : days) windows.push_back({d, parsed->first, parsed->second});
    }
  }
  std::sort(windows.begin(), windows.end(), [](const WeeklyWindow& a, const WeeklyWindow& b) {
    return std::tie(a.weekday, a.start_minute, a.end_minute) < std::tie(b.weekday, b.start_minute, b.end_minute);
  });
  for (size_t i = 1; i < windows.size(); ++i) {
    const WeeklyWindow& prev = windows[i - 1];
    const WeeklyWindow& cur = windows[i];
    if (prev.weekday == cur.weekday && cur.start_minute < prev.end_minute) {
      return HoursError(lang, "import.hours.overlap",
                        {{"day", kDayNames[cur.weekday - 1]},
                         {"value", FormatRange(prev.start_minute, prev.end_minute) + ", " +
                                       FormatRange(cur.start_minute, cur.end_minute)}});
    }
  }
  return windows;
}

std::string FormatOpeningHours(const std::vector<WeeklyWindow>& windows) {
  std::array<std::vector<std::pair<int, int>>, 8> by_day;  // index 1..7
  for (const WeeklyWindow& w : windows) {
    if (w.weekday >= 1 && w.weekday <= 7) by_day[w.weekday].emplace_back(w.start_minute, w.end_minute);
  }
  for (auto& ranges : by_day) std::sort(ranges.begin(), ranges.end());
  std::vector<std::string> clauses;
  for (int d = 1; d <= 7;) {
    if (by_day[d].empty()) {
      ++d;
      continue;
    }
    int last = d;
    while (last < 7 && by_day[last + 1] == by_day[d]) ++last;
    std::string clause = kDayNames[d - 1];
    if (last > d) clause += std::string("-") + kDayNames[last - 1];
    std::vector<std::string> ranges;
    for (const auto& [s, e] : by_day[d]) ranges.push_back(FormatRange(s, e));
    clauses.push_back(clause + " " + Join(ranges, ","));
    d = last + 1;
  }
  return Join(clauses, "; ");
}

Result<std::vector<ClassPeriod>> ParseClassPeriods(const std::string& text, Lang lang) {
  std::vector<ClassPeriod> periods;
  for (std::string_view item : Split(text, ';')) {
    item = Trim(item);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const Status bad = HoursError(lang, "import.periods.bad", {{"value", std::string(item)}});
    if (eq == std::string_view::npos) return bad;
    auto index = ParseInt(Trim(item.substr(0, eq)));
    auto range = ParseTimeRange(Trim(item.substr(eq + 1)));
    if (!index || *index < 1 || !range || range->second > 24 * 60) return bad;
    for (const ClassPeriod& p : periods) {
      if (p.index == *index) return HoursError(lang, "import.periods.duplicate", {{"value", std::to_string(*index)}});
    }
    periods.push_back({*index, range->first, range->second});
  }
  std::sort(periods.begin(), periods.end(),
            [](const ClassPeriod& a, const ClassPeriod& b) { return a.index < b.index; });
  return periods;
}

std::string FormatClassPeriods(const std::vector<ClassPeriod>& periods) {
  std::vector<ClassPeriod> sorted = periods;
  std::sort(sorted.begin(), sorted.end(), [](const ClassPeriod& a, const ClassPeriod& b) { return a.index < b.index; });
  std::vector<std::string> items;
  for (const ClassPeriod& p : sorted)
    items.push_back(std::to_string(p.index) + "=" + FormatRange(p.start_minute, p.end_minute));
  return Join(items, ";");
}

namespace {

// ---------------------------------------------------------------------------------------------------
// Tables: the header, and typed access to the cells of one row.

struct ColumnSpec {
  const char* name;
  bool required;
};

struct Table {
  std::vector<std::string> names;    // canonical (lower-case) header names, in file order
  std::map<std::string, int> index;  // name -> field position
  std::vector<CsvRow> rows;          // data rows (header left out)
};

// Collects errors in `lang`, and lines them up at the end.
class Errors {
 public:
  explicit Errors(Lang lang) : lang_(lang) {}
  Lang lang() const { return lang_; }
  void Add(int line, std::string column, std::string_view key, const Params& params = {}) {
    errors_.push_back({line, std::move(column), Tr(lang_, key, params)});
  }
  void AddText(int line, std::string column, std::string reason) {
    errors_.push_back({line, std::move(column), std::move(reason)});
  }
  size_t size() const { return errors_.size(); }
  bool empty() const { return errors_.empty(); }
  std::vector<ImportError> Take() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
    return std::move(errors_);
  }

 private:
  Lang lang_;
  std::vector<ImportError> errors_;
};

// Reads the CSV text and checks its header. Returns false (with errors) when no row can be read.
bool ReadTable(const std::string& text, const std::vector<ColumnSpec>& columns, Errors& errors, Table* table) {
  CsvSyntaxError syntax;
  auto rows = ReadCsv(text, {}, &syntax);
  if (!rows.ok()) {
    const Params where = {{"column", std::to_string(syntax.column)}};
    errors.Add(syntax.line, "", std::string("import.csv.") + CsvErrorKindName(syntax.kind), where);
    return false;
  }
  if (rows->empty()) {
    errors.Add(1, "", "import.empty_file");
    return false;
  }
  const CsvRow& header = rows->front();
  std::vector<std::string> allowed;
  for (const ColumnSpec& c : columns) allowed.push_back(c.name);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = AsciiLower(Trim(header.fields[i]));
    table->names.push_back(name);
    const bool known = std::any_of(columns.begin(), columns.end(), [&](const ColumnSpec& c) { return name == c.name; });
    if (!known) {
      errors.Add(header.line, name, "import.unknown_column", {{"column", name}, {"allowed", Join(allowed, ", ")}});
    } else if (!table->index.emplace(name, static_cast<int>(i)).second) {
      errors.Add(header.line, name, "import.duplicate_column", {{"column", name}});
    }
  }
  for (const ColumnSpec& c : columns) {
    if (c.required && !table->index.count(c.name)) {
      errors.Add(header.line, c.name, "import.missing_column", {{"column", c.name}});
    }
  }
  if (!errors.empty()) return false;
  table->rows.assign(rows->begin() + 1, rows->end());
  return true;
}

// Typed, validated access to the cells of one row. Every problem becomes an error of the row; the
// getters leave *out untouched when the column is absent (an update keeps the stored value) and set
// the default when the cell is empty.
class Cells {
 public:
  Cells(const Table& table, const CsvRow& row, Errors& errors)
      : table_(table), row_(row), errors_(errors), errors_before_(errors.size()) {}

  int line() const { return row_.line; }
  bool failed() const { return errors_.size() > errors_before_; }
  void Error(const std::string& column, std::string_view key, Params params = {}) {
    errors_.Add(row_.line, column, key, params);
  }
  void ErrorText(const std::string& column, std::string reason) {
    errors_.AddText(row_.line, column, std::move(reason));
  }

  bool Has(const std::string& column) const { return table_.index.count(column) > 0; }
  std::string Get(const std::string& column) const {
    auto it = table_.index.find(column);
    if (it == table_.index.end() || it->second >= static_cast<int>(row_.fields.size())) return "";
    return std::string(Trim(row_.fields[it->second]));
  }

  // A required cell: an error when empty.
  std::string Required(const std::string& column) {
    std::string v = Get(column);
    if (v.empty()) Error(column, "import.required", {{"column", column}});
    return v;
  }
  void Text(const std::string& column, std::string* out) const {
    if (Has(column)) *out = Get(column);
  }
  void Int(const std::string& column, int fallback, int min, int max, int* out) {
    if (!Has(column)) return;
    const std::string v = Get(column);
    if (v.empty()) {
      *out = fallback;
      return;
    }
    auto n = ParseInt(v);
    if (!n) return Error(column, "import.bad_integer", {{"value", v}});
    if (*n < min) return Error(column, "import.too_small", {{"value", v}, {"min", std::to_string(min)}});
    if (*n > max) return Error(column, "import.too_large", {{"value", v}, {"max", std::to_string(max)}});
    *out = *n;
  }
  void Double(const std::string& column, double min, double max, double* out) {
    if (!Has(column)) return;
    const std::string v = Get(column);
    if (v.empty()) {
      *out = 0;
      return;
    }
    auto n = ParseDouble(v);
    if (!n) return Error(column, "import.bad_number", {{"value", v}});
    if (*n < min || *n > max) {
      return Error(column, "import.out_of_range",
                   {{"value", v}, {"min", FormatNumber(min)}, {"max", FormatNumber(max)}});
    }
    *out = *n;
  }
  void Bool(const std::string& column, bool fallback, bool* out) {
    if (!Has(column)) return;
    const std::string v = Get(column);
    if (v.empty()) {
      *out = fallback;
      return;
    }
    auto b = ParseBool(v);
    if (!b) return Error(column, "import.bad_bool", {{"value", v}});
    *out = *b;
  }
  // An enum word through its model.h parser; `words` lists the accepted words for the message.
  template <typename E>
  void Enum(const std::string& column, E fallback, Result<E> (*parse)(const std::string&), const char* words, E* out) {
    if (!Has(column)) return;
    const std::string v = Get(column);
    if (v.empty()) {
      *out = fallback;
      return;
    }
    auto e = parse(AsciiLower(v));
    if (!e.ok()) return Error(column, "import.bad_enum", {{"value", v}, {"allowed", words}});
    *out = *e;
  }

 private:
  static std::string FormatNumber(double d) {
    std::string s = std::to_string(d);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  const Table& table_;
  const CsvRow& row_;
  Errors& errors_;
  size_t errors_before_;
};

// Checks that a data row has as many fields as the header.
bool CheckWidth(const Table& table, const CsvRow& row, Errors& errors) {
  if (row.fields.size() == table.names.size()) return true;
  errors.Add(row.line, "", "import.field_count",
             {{"actual", std::to_string(row.fields.size())}, {"expected", std::to_string(table.names.size())}});
  return false;
}

// Remembers the line of each id in the file; a repeated id is an error of the later row.
bool CheckUniqueId(std::map<std::string, int>& seen, const std::string& id, Cells& cells) {
  if (id.empty()) return true;
  auto [it, inserted] = seen.emplace(id, cells.line());
  if (inserted) return true;
  cells.Error("id", "import.duplicate_id", {{"value", id}, {"other_line", std::to_string(it->second)}});
  return false;
}

// Whether an entity exists in the store: true/false, or a fatal Status (cached per id).
template <typename T>
class ExistsCache {
 public:
  explicit ExistsCache(std::function<Result<T>(const std::string&)> get) : get_(std::move(get)) {}
  // ok(nullptr) when absent.
  Result<const T*> Find(const std::string& id) {
    auto it = cache_.find(id);
    if (it == cache_.end()) {
      auto r = get_(id);
      if (!r.ok() && r.status().code() != StatusCode::kNotFound) return r.status();
      std::optional<T> value;
      if (r.ok()) value = std::move(r).value();
      it = cache_.emplace(id, std::move(value)).first;
    }
    return it->second ? &*it->second : static_cast<const T*>(nullptr);
  }

 private:
  std::function<Result<T>(const std::string&)> get_;
  std::map<std::string, std::optional<T>> cache_;
};

// Writes `items` in one transaction. A refused write is reported against its line and rolls
// everything back; a fatal failure is returned.
template <typename T>
Result<ImportReport> WriteAll(Store& store, ImportReport report, Errors& errors,
                              const std::vector<std::pair<int, T>>& items, const std::function<Status(const T&)>& put) {
  bool refused = false;
  Status st = store.Transaction([&]() -> Status {
    for (const auto& [line, item] : items) {
      Status s = put(item);
      if (s.ok()) continue;
      if (IsFatal(s)) return s;
      errors.Add(line, "", "import.write_failed", {{"detail", s.message()}});
      refused = true;
      return Status::Conflict("import rolled back");
    }
    return Status::Ok();
  });
  if (!st.ok() && !refused) return st;
  report.errors = errors.Take();
  report.imported = report.errors.empty() ? static_cast<int>(items.size()) : 0;
  return report;
}

ImportReport Failed(int rows, Errors& errors) {
  ImportReport report;
  report.rows = rows;
  report.errors = errors.Take();
  return report;
}

const std::vector<ColumnSpec> kSchoolColumns = {
    {"id", true},    {"district_id", true}, {"name", true}, {"name_en", false}, {"kind", false},
    {"weak", false}, {"students", false},   {"lat", false}, {"lon", false},     {"periods", false},
};

const std::vector<ColumnSpec> kResourceColumns = {
    {"id", true},
    {"school_id", true},
    {"name", true},
    {"name_en", false},
    {"type", true},
    {"capacity", false},
    {"quantity", false},
    {"features", false},
    {"opening_hours", false},
    {"buffer_minutes", false},
    {"parent_id", false},
    {"shared", false},
    {"approval", false},
    {"min_notice_minutes", false},
    {"max_advance_days", false},
    {"max_duration_minutes", false},
    {"weekly_cap_minutes", false},
    {"hourly_fee_cents", false},
};

const std::vector<ColumnSpec> kBookingColumns = {
    {"id", false},        {"resource_id", true}, {"school_id", true},
    {"organizer", false}, {"title", false},      {"activity_type", false},
    {"attendees", false}, {"quantity", false},   {"start", true},
    {"end", true},
};

const std::vector<ColumnSpec> kStaffColumns = {
    {"id", true}, {"school_id", true}, {"name", true}, {"name_en", false}, {"role", false}, {"active", false},
};

const std::vector<ColumnSpec> kClassColumns = {
    {"id", true},     {"school_id", true}, {"name", true},     {"name_en", false},
    {"grade", false}, {"students", false}, {"lessons", false}, {"active", false},
};

constexpr int kMaxInt = 1'000'000'000;

// The column a violation is best shown against.
std::string ColumnOfRule(Rule rule) {
  switch (rule) {
    case Rule::kInvalidInterval:
    case Rule::kMaxDuration:
      return "end";
    case Rule::kCapacity:
      return "attendees";
    case Rule::kQuantity:
    case Rule::kEquipmentStock:
      return "quantity";
    case Rule::kInactive:
      return "resource_id";
    case Rule::kHomeOnly:
    case Rule::kPermission:
    case Rule::kWeeklyCap:
    case Rule::kAgreementCap:
      return "school_id";
    default:
      return "start";
  }
}

}  // namespace

Result<ImportReport> ImportSchools(Store& store, const std::string& csv_text, const Actor& actor, Lang lang) {
  Errors errors(lang);
  Table table;
  if (!ReadTable(csv_text, kSchoolColumns, errors, &table)) return Failed(0, errors);

  ExistsCache<District> districts([&](const std::string& id) { return store.GetDistrict(id); });
  ExistsCache<School> stored([&](const std::string& id) { return store.GetSchool(id); });
  std::map<std::string, int> seen;
  std::vector<std::pair<int, School>> items;
  for (const CsvRow& row : table.rows) {
    if (!CheckWidth(table, row, errors)) continue;
    Cells cells(table, row, errors);
    const std::string id = cells.Required("id");
    CheckUniqueId(seen, id, cells);
    School s;
    if (!id.empty()) {
      SS_ASSIGN_OR_RETURN(const School* existing, stored.Find(id));
      if (existing != nullptr) s = *existing;  // absent columns keep the stored values
    }
    s.id = id;
    s.district_id = cells.Required("district_id");
    s.name = cells.Required("name");
    cells.Text("name_en", &s.name_en);
    cells.Enum<SchoolKind>("kind", SchoolKind::kMember, &ParseSchoolKind, "core|member|partner", &s.kind);
    cells.Bool("weak", false, &s.weak);
    cells.Int("students", 0, 0, kMaxInt, &s.students);
    cells.Double("lat", -90, 90, &s.location.lat);
    cells.Double("lon", -180, 180, &s.location.lon);
    if (cells.Has("periods")) {
      auto periods = ParseClassPeriods(cells.Get("periods"), lang);
      if (periods.ok()) {
        s.periods = std::move(periods).value();
      } else {
        errors.AddText(row.line, "periods", periods.status().message());
      }
    }
    if (!s.district_id.empty()) {
      SS_ASSIGN_OR_RETURN(const District* d, districts.Find(s.district_id));
      if (d == nullptr) cells.Error("district_id", "import.district_not_found", {{"value", s.district_id}});
    }
    if (!id.empty() && !MayAct(actor, Action::kEditCatalogue, id, id)) {
      cells.Error("id", "import.permission", {{"value", id}});
    }
    if (!cells.failed()) items.emplace_back(row.line, std::move(s));
  }
  const int rows = static_cast<int>(table.rows.size());
  if (!errors.empty()) return Failed(rows, errors);
  ImportReport report;
  report.rows = rows;
  return WriteAll<School>(store, std::move(report), errors, items,
                          [&](const School& s) { return store.PutSchool(s, actor); });
}

namespace {

// Staff and classes share everything but their own columns: a school that exists, the right to edit
// its catalogue, an id seen once, and one transaction. `read` fills an entity from its row's cells.
template <typename T>
Result<ImportReport> ImportSchoolMembers(Store& store, const std::string& csv_text, const Actor& actor, Lang lang,
                                         const std::vector<ColumnSpec>& columns,
                                         const std::function<void(Cells&, T*)>& read,
                                         const std::function<Status(const T&)>& put) {
  Errors errors(lang);
  Table table;
  if (!ReadTable(csv_text, columns, errors, &table)) return Failed(0, errors);
  ExistsCache<School> schools([&](const std::string& id) { return store.GetSchool(id); });
  std::map<std::string, int> seen;
  std::vector<std::pair<int, T>> items;
  for (const CsvRow& row : table.rows) {
    if (!CheckWidth(table, row, errors)) continue;
    Cells cells(table, row, errors);
    T item;
    item.id = cells.Required("id");
    CheckUniqueId(seen, item.id, cells);
    item.school_id = cells.Required("school_id");
    item.name = cells.Required("name");
    cells.Text("name_en", &item.name_en);
    cells.Bool("active", true, &item.active);
    read(cells, &item);
    if (!item.school_id.empty()) {
      SS_ASSIGN_OR_RETURN(const School* school, schools.Find(item.school_id));
      if (school == nullptr) {
        cells.Error("school_id", "import.school_not_found", {{"value", item.school_id}});
      } else if (!MayAct(actor, Action::kEditCatalogue, item.school_id, item.school_id)) {
        cells.Error("school_id", "import.permission", {{"value", item.school_id}});
      }
    }
    if (!cells.failed()) items.emplace_back(row.line, std::move(item));
  }
  const int rows = static_cast<int>(table.rows.size());
  if (!errors.empty()) return Failed(rows, errors);
  ImportReport report;
  report.rows = rows;
  return WriteAll<T>(store, std::move(report), errors, items, put);
}

}  // namespace

Result<ImportReport> ImportStaff(Store& store, const std::string& csv_text, const Actor& actor, Lang lang) {
  return ImportSchoolMembers<StaffMember>(
      store, csv_text, actor, lang, kStaffColumns, [](Cells& cells, StaffMember* m) { cells.Text("role", &m->role); },
      [&](const StaffMember& m) { return store.PutStaff(m, actor); });
}

Result<ImportReport> ImportClasses(Store& store, const std::string& csv_text, const Actor& actor, Lang lang) {
  return ImportSchoolMembers<SchoolClass>(
      store, csv_text, actor, lang, kClassColumns,
      [lang](Cells& cells, SchoolClass* c) {
        cells.Int("grade", 0, 0, 12, &c->grade);
        cells.Int("students", 0, 0, kMaxInt, &c->students);
        if (!cells.Has("lessons")) return;
        auto lessons = ParseOpeningHours(cells.Get("lessons"), lang);
        if (lessons.ok()) {
          c->lessons = std::move(lessons).value();
        } else {
          cells.ErrorText("lessons", lessons.status().message());
        }
      },
      [&](const SchoolClass& c) { return store.PutClass(c, actor); });
}

Result<ImportReport> ImportResources(Store& store, const std::string& csv_text, const Actor& actor, Lang lang) {
  Errors errors(lang);
  Table table;
  if (!ReadTable(csv_text, kResourceColumns, errors, &table)) return Failed(0, errors);

  ExistsCache<School> schools([&](const std::string& id) { return store.GetSchool(id); });
  ExistsCache<Resource> stored([&](const std::string& id) { return store.GetResource(id); });
  struct InFile {
    std::string school_id;
    std::string parent_id;
  };
  std::map<std::string, InFile> in_file;  // resources of earlier rows
  std::map<std::string, int> seen;
  std::vector<std::pair<int, Resource>> items;

  for (const CsvRow& row : table.rows) {
    if (!CheckWidth(table, row, errors)) continue;
    Cells cells(table, row, errors);
    const std::string id = cells.Required("id");
    CheckUniqueId(seen, id, cells);
    Resource r;
    std::string stored_school;
    if (!id.empty()) {
      SS_ASSIGN_OR_RETURN(const Resource* existing, stored.Find(id));
      if (existing != nullptr) {
        r = *existing;  // absent columns keep the stored values
        stored_school = existing->school_id;
      }
    }
    r.id = id;
    r.school_id = cells.Required("school_id");
    r.name = cells.Required("name");
    cells.Text("name_en", &r.name_en);
    if (cells.Get("type").empty()) {
      cells.Required("type");
    } else {
      cells.Enum<ResourceType>("type", ResourceType::kRoom, &ParseResourceType, "field|hall|lab|room|equipment",
                               &r.type);
    }
    cells.Int("capacity", 0, 0, kMaxInt, &r.capacity);
    cells.Int("quantity", 0, 0, kMaxInt, &r.quantity);
    if (cells.Has("features")) {
      r.features.clear();
      const std::string features = cells.Get("features");
      for (std::string_view f : Split(features, ';')) {
        f = Trim(f);
        if (!f.empty() && std::find(r.features.begin(), r.features.end(), f) == r.features.end()) {
          r.features.emplace_back(f);
        }
      }
    }
    if (cells.Has("opening_hours")) {
      auto hours = ParseOpeningHours(cells.Get("opening_hours"), lang);
      if (hours.ok()) {
        r.opening_hours = std::move(hours).value();
      } else {
        errors.AddText(row.line, "opening_hours", hours.status().message());
      }
    }
    cells.Int("buffer_minutes", 0, 0, 24 * 60, &r.buffer_minutes);
    cells.Text("parent_id", &r.parent_id);
    cells.Bool("shared", true, &r.policy.shared);
    cells.Enum<ApprovalMode>("approval", ApprovalMode::kOwner, &ParseApprovalMode, "none|owner|owner_then_district",
                             &r.policy.approval);
    cells.Int("min_notice_minutes", 0, 0, kMaxInt, &r.policy.min_notice_minutes);
    cells.Int("max_advance_days", 0, 0, kMaxInt, &r.policy.max_advance_days);
    cells.Int("max_duration_minutes", 0, 0, kMaxInt, &r.policy.max_duration_minutes);
    cells.Int("weekly_cap_minutes", 0, 0, kMaxInt, &r.policy.weekly_cap_minutes);
    cells.Int("hourly_fee_cents", 0, 0, kMaxInt, &r.policy.hourly_fee_cents);

    if (r.is_equipment() && r.quantity < 1 && !cells.failed()) {
      cells.Error("quantity", "import.equipment_quantity");
    }
    if (!r.school_id.empty()) {
      SS_ASSIGN_OR_RETURN(const School* school, schools.Find(r.school_id));
      if (school == nullptr) cells.Error("school_id", "import.school_not_found", {{"value", r.school_id}});
      const bool may = MayAct(actor, Action::kEditCatalogue, r.school_id, r.school_id) &&
                       (stored_school.empty() || MayAct(actor, Action::kEditCatalogue, stored_school, stored_school));
      if (!may) cells.Error("school_id", "import.permission", {{"value", r.school_id}});
    }
    if (!r.parent_id.empty()) {
      // The parent comes from an earlier row or the store; it must be of the same school, and the
      // chain of parents must not lead back to this resource.
      auto parent_of = [&](const std::string& rid) -> Result<std::optional<InFile>> {
        if (auto it = in_file.find(rid); it != in_file.end()) return std::optional<InFile>(it->second);
        SS_ASSIGN_OR_RETURN(const Resource* p, stored.Find(rid));
        if (p == nullptr) return std::optional<InFile>();
        return std::optional<InFile>(InFile{p->school_id, p->parent_id});
      };
      SS_ASSIGN_OR_RETURN(std::optional<InFile> parent, parent_of(r.parent_id));
      if (r.parent_id == id) {
        cells.Error("parent_id", "import.parent_self");
      } else if (!parent) {
        cells.Error("parent_id", "import.parent_not_found", {{"value", r.parent_id}});
      } else if (parent->school_id != r.school_id) {
        cells.Error("parent_id", "import.parent_other_school", {{"value", r.parent_id}});
      } else {
        std::string up = parent->parent_id;
        for (int depth = 0; !up.empty() && depth < 64; ++depth) {
          if (up == id) {
            cells.Error("parent_id", "import.parent_cycle", {{"value", r.parent_id}});
            break;
          }
          SS_ASSIGN_OR_RETURN(std::optional<InFile> next, parent_of(up));
          up = next ? next->parent_id : "";
        }
      }
    }
    // Registered even when the row is bad, so later rows naming it as parent do not pile up errors.
    if (!id.empty() && !in_file.count(id)) in_file[id] = InFile{r.school_id, r.parent_id};
    if (!cells.failed()) items.emplace_back(row.line, std::move(r));
  }
  const int rows = static_cast<int>(table.rows.size());
  if (!errors.empty()) return Failed(rows, errors);
  ImportReport report;
  report.rows = rows;
  return WriteAll<Resource>(store, std::move(report), errors, items,
                            [&](const Resource& r) { return store.PutResource(r, actor); });
}

Result<ImportReport> ImportBookings(Store& store, const Clock& clock, const std::string& csv_text, const Actor& actor,
                                    Lang lang) {
  Errors errors(lang);
  Table table;
  if (!ReadTable(csv_text, kBookingColumns, errors, &table)) return Failed(0, errors);

  ExistsCache<Resource> resources([&](const std::string& id) { return store.GetResource(id); });
  ExistsCache<School> schools([&](const std::string& id) { return store.GetSchool(id); });
  std::map<std::string, std::optional<TimeZone>> zones;  // by owner school id; nullopt: bad zone
  std::map<std::string, int> seen;
  std::vector<std::pair<int, BookingRequest>> requests;

  for (const CsvRow& row : table.rows) {
    if (!CheckWidth(table, row, errors)) continue;
    Cells cells(table, row, errors);
    BookingRequest req;
    cells.Text("id", &req.id);
    CheckUniqueId(seen, req.id, cells);
    req.resource_id = cells.Required("resource_id");
    req.school_id = cells.Required("school_id");
    cells.Text("organizer", &req.organizer);
    cells.Text("title", &req.title);
    cells.Text("activity_type", &req.activity_type);
    if (req.activity_type.empty()) req.activity_type = "other";
    cells.Int("attendees", 0, 0, kMaxInt, &req.attendees);
    cells.Int("quantity", 0, 0, kMaxInt, &req.quantity);
    const std::string start = cells.Required("start");
    const std::string end = cells.Required("end");

    if (!req.school_id.empty()) {
      SS_ASSIGN_OR_RETURN(const School* school, schools.Find(req.school_id));
      if (school == nullptr) cells.Error("school_id", "import.school_not_found", {{"value", req.school_id}});
    }
    const Resource* resource = nullptr;
    if (!req.resource_id.empty()) {
      SS_ASSIGN_OR_RETURN(resource, resources.Find(req.resource_id));
      if (resource == nullptr) cells.Error("resource_id", "import.resource_not_found", {{"value", req.resource_id}});
    }
    if (resource != nullptr) {
      // Local times are read in the time zone of the district that owns the resource.
      auto zone_it = zones.find(resource->school_id);
      if (zone_it == zones.end()) {
        auto district = store.DistrictOfSchool(resource->school_id);
        if (!district.ok() && IsFatal(district.status())) return district.status();
        std::optional<TimeZone> tz;
        if (district.ok()) {
          auto found = TimeZone::Find(district->time_zone);
          if (found.ok()) tz = *found;
        }
        zone_it = zones.emplace(resource->school_id, tz).first;
      }
      if (!zone_it->second) {
        cells.Error("resource_id", "import.bad_time_zone", {{"value", resource->school_id}});
      } else {
        const TimeZone& tz = *zone_it->second;
        const std::pair<const char*, const std::string*> times[] = {{"start", &start}, {"end", &end}};
        for (const auto& [column, text] : times) {
          if (text->empty()) continue;
          auto t = tz.Parse(*text);
          if (!t.ok()) {
            cells.Error(column, "import.bad_time", {{"value", *text}});
          } else {
            (std::string_view(column) == "start" ? req.start : req.end) = *t;
          }
        }
      }
    }
    if (!cells.failed()) requests.emplace_back(row.line, std::move(req));
  }

  // Every row that could be read is judged, in file order, inside one transaction, even when other
  // rows are already known to be bad: the report then lists every refusal at once. Any error rolls
  // the whole transaction back.
  BookingService service(store, clock);
  const CreateOptions options{.allow_backfill = true, .with_alternatives = false};
  int imported = 0;
  bool rolled_back = false;
  Status st = store.Transaction([&]() -> Status {
    for (const auto& [line, req] : requests) {
      auto outcome = service.Create(req, actor, options);
      if (!outcome.ok()) {
        if (IsFatal(outcome.status())) return outcome.status();
        errors.Add(line, "", "import.booking_failed", {{"detail", outcome.status().message()}});
        continue;
      }
      if (!outcome->accepted) {
        for (const Violation& v : outcome->violations) {
          errors.AddText(line, ColumnOfRule(v.rule), DescribeViolation(lang, v));
        }
        if (outcome->violations.empty()) errors.Add(line, "", "import.booking_failed", {{"detail", "refused"}});
        continue;
      }
      if (!outcome->duplicate) ++imported;
    }
    if (errors.empty()) return Status::Ok();
    rolled_back = true;
    return Status::Conflict("import rolled back");
  });
  if (!st.ok() && !rolled_back) return st;
  ImportReport report;
  report.rows = static_cast<int>(table.rows.size());
  report.errors = errors.Take();
  report.imported = report.errors.empty() ? imported : 0;
  return report;
}

}  // namespace schoolshare
