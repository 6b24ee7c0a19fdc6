// Synthetic city-scale data for benchmarks. See generator.h for the contract.
//
// Bookings are placed by walking each resource's calendar forward from now - 180 days: booking k of a
// resource's n aims at day k * 270 / n and takes the earliest start inside an opening window that is at
// least one buffer after the previous booking of that resource, so bookings never overlap by
// construction. Randomness comes from one std::mt19937_64 seeded with options.seed, used in a fixed
// order, and ids from a hash of (seed, index), so a seed always gives the same data.
#include "schoolshare/generator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "schoolshare/ids.h"
#include "schoolshare/model.h"

namespace schoolshare {
namespace {

constexpr Instant kDefaultNow = 1772409600;  // 2026-03-02T00:00:00Z
constexpr int kSpanDays = 270;               // now - 180 days .. now + 90 days
constexpr int kPastDays = 180;

// --- deterministic ids and codes ---

std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A version-4 UUID whose random bits come from (seed, index): unique per index for one seed.
std::string GenUuid(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t hi = SplitMix64(seed ^ SplitMix64(index));
  std::uint64_t lo = SplitMix64(hi ^ index ^ 0x5ca1ab1e5ca1ab1eULL);
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

// Booking codes: index -> (offset + index * step) mod 31^6 is a bijection because step is not a multiple
// of 31, so the first 31^6 indexes get distinct codes.
constexpr std::uint64_t kAlphabetSize = sizeof(kBookingCodeAlphabet) - 1;
constexpr std::uint64_t kCodeSpace = 887503681;  // 31^6
static_assert(kAlphabetSize == 31 && kBookingCodeLength == 6, "code space assumes 6 characters of 31");

std::string GenCode(std::uint64_t offset, std::uint64_t index) {
  std::uint64_t v = (offset + index * 104729ULL) % kCodeSpace;
  std::string code(kBookingCodeLength, 'A');
  for (int i = kBookingCodeLength - 1; i >= 0; --i) {
    code[i] = kBookingCodeAlphabet[v % kAlphabetSize];
    v /= kAlphabetSize;
  }
  return code;
}

std::string NumberedId(char prefix, int width, long long n) {
  char text[32];
  std::snprintf(text, sizeof text, "%c%0*lld", prefix, width, n);
  return text;
}

// --- catalogue templates ---

enum class Hours { kSchoolVenue, kIndoor, kPartner, kEvening, kAlways };

std::vector<WeeklyWindow> OpeningHours(Hours h) {
  std::vector<WeeklyWindow> w;
  switch (h) {
    case Hours::kSchoolVenue:
      for (int d = 1; d <= 5; ++d) w.push_back({d, 7 * 60 + 30, 18 * 60 + 30});
      w.push_back({6, 8 * 60 + 30, 17 * 60});
      break;
    case Hours::kIndoor:
      for (int d = 1; d <= 5; ++d) w.push_back({d, 7 * 60 + 30, 18 * 60});
      break;
    case Hours::kPartner:
      for (int d = 1; d <= 5; ++d) w.push_back({d, 9 * 60, 17 * 60});
      break;
    case Hours::kEvening:
      for (int d = 1; d <= 7; ++d) w.push_back({d, 8 * 60, 21 * 60});
      break;
    case Hours::kAlways:
      break;
  }
  return w;
}

struct ResourceTemplate {
  ResourceType type;
  const char* name;
  const char* name_en;
  int size_min;  // capacity (venues) or quantity (equipment)
  int size_max;
  std::array<const char*, 3> features;  // nullptr-terminated
  Hours hours;
  int buffer_minutes;
  int weight;  // relative frequency
};

// clang-format off
constexpr ResourceTemplate kTemplates[] = {
    {ResourceType::kField, "足球场", "Football field", 100, 300, {"football", "floodlights", nullptr}, Hours::kSchoolVenue, 10, 6},
    {ResourceType::kField, "田径场", "Athletics track", 200, 600, {"400m-track", "football", nullptr}, Hours::kSchoolVenue, 10, 4},
    {ResourceType::kField, "篮球场", "Basketball court", 30, 80, {"basketball", nullptr, nullptr}, Hours::kEvening, 0, 5},
    {ResourceType::kHall, "体育馆", "Gymnasium", 200, 800, {"basketball", "badminton", nullptr}, Hours::kSchoolVenue, 15, 4},
    {ResourceType::kHall, "报告厅", "Lecture hall", 150, 500, {"stage", "projector", "sound-system"}, Hours::kSchoolVenue, 20, 5},
    {ResourceType::kHall, "礼堂", "Auditorium", 400, 900, {"stage", "projector", "sound-system"}, Hours::kPartner, 30, 2},
    {ResourceType::kLab, "物理实验室", "Physics lab", 40, 56, {"projector", nullptr, nullptr}, Hours::kIndoor, 10, 5},
    {ResourceType::kLab, "化学实验室", "Chemistry lab", 40, 56, {"fume-hood", nullptr, nullptr}, Hours::kIndoor, 15, 5},
    {ResourceType::kLab, "生物实验室", "Biology lab", 40, 56, {"microscope", nullptr, nullptr}, Hours::kIndoor, 10, 4},
    {ResourceType::kRoom, "计算机教室", "Computer room", 40, 60, {"computers", "projector", nullptr}, Hours::kIndoor, 10, 6},
    {ResourceType::kRoom, "创客教室", "Maker room", 30, 45, {"3d-printer", nullptr, nullptr}, Hours::kIndoor, 10, 4},
    {ResourceType::kRoom, "音乐教室", "Music room", 40, 60, {"piano", nullptr, nullptr}, Hours::kIndoor, 5, 5},
    {ResourceType::kRoom, "会议室", "Meeting room", 20, 60, {"projector", nullptr, nullptr}, Hours::kIndoor, 5, 4},
    {ResourceType::kEquipment, "显微镜", "Microscopes", 20, 40, {nullptr, nullptr, nullptr}, Hours::kAlways, 0, 2},
    {ResourceType::kEquipment, "无人机", "Drones", 6, 12, {nullptr, nullptr, nullptr}, Hours::kAlways, 0, 2},
    {ResourceType::kEquipment, "机器人套件", "Robotics kits", 8, 16, {nullptr, nullptr, nullptr}, Hours::kAlways, 0, 2},
    {ResourceType::kEquipment, "足球", "Footballs", 20, 60, {nullptr, nullptr, nullptr}, Hours::kAlways, 0, 2},
};
// clang-format on

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄",
                                     "赵", "周", "吴", "徐", "孙", "马", "朱"};

struct Activity {
  const char* title;
  const char* type;
};
// Indexed by ResourceType.
constexpr Activity kActivities[5][3] = {
    {{"体育课", "teaching"}, {"足球队训练", "sports"}, {"运动会彩排", "sports"}},
    {{"教研活动", "meeting"}, {"家长会", "meeting"}, {"文艺汇演排练", "ceremony"}},
    {{"分组实验", "teaching"}, {"实验课", "teaching"}, {"科学兴趣小组", "club"}},
    {{"社团活动", "club"}, {"兴趣小组", "club"}, {"公开课", "teaching"}},
    {{"器材借用", "other"}, {"课堂使用", "teaching"}, {"社团借用", "club"}},
};

std::vector<ClassPeriod> Timetable(bool secondary) {
  std::vector<ClassPeriod> p;
  const int starts_primary[] = {480, 530, 600, 650, 840, 890, 940};
  const int starts_secondary[] = {470, 525, 600, 655, 840, 895, 950, 1005};
  const int length = secondary ? 45 : 40;
  int index = 1;
  if (secondary) {
    for (int s : starts_secondary) p.push_back({index++, s, s + length});
  } else {
    for (int s : starts_primary) p.push_back({index++, s, s + length});
  }
  return p;
}

class Generator {
 public:
  Generator(Store& store, const GenOptions& o, const std::function<void(const GenStats&)>& progress)
      : store_(store), o_(o), progress_(progress), rng_(o.seed), started_(std::chrono::steady_clock::now()) {}

  Result<GenStats> Run();

 private:
  int Rand(int n) { return n <= 1 ? 0 : static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool Chance(int percent) { return Rand(100) < percent; }
  void Report() {
    stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (progress_) progress_(stats_);
  }

  Status WriteCatalogue();
  Status WriteBookings();
  // Fills `b` with the next booking of `r` at or after `*cursor`, and moves the cursor past it.
  Status PlaceBooking(const Resource& r, int k, std::int64_t count, Instant* cursor, Booking* b);

  Store& store_;
  const GenOptions& o_;
  const std::function<void(const GenStats&)>& progress_;
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point started_;
  TimeZone tz_ = TimeZone::Utc();
  Instant now_ = 0;
  GenStats stats_;
  std::vector<School> schools_;
  std::vector<Resource> resources_;
  std::vector<int> district_of_school_;
  bool check_codes_ = false;
  std::uint64_t code_offset_ = 0;
  std::uint64_t codes_used_ = 0;
};

Status Generator::WriteCatalogue() {
  const Actor by = Actor::System();
  const int districts = (o_.schools + o_.schools_per_district - 1) / o_.schools_per_district;
  std::vector<GeoPoint> centres;
  SS_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    for (int d = 0; d < districts; ++d) {
      District district;
      district.id = NumberedId('d', 4, d + 1);
      district.name = "第" + std::to_string(d + 1) + "学区";
      SS_RETURN_IF_ERROR(store_.PutDistrict(district, by));
      // A city of about 60 x 60 km around 29.56N 106.55E.
      centres.push_back({29.3 + Rand(5000) * 0.0001, 106.25 + Rand(6000) * 0.0001});
    }
    return Status::Ok();
  }));
  stats_.districts = districts;

  for (int i = 0; i < o_.schools; ++i) {
    const int d = i / o_.schools_per_district;
    const int pos = i % o_.schools_per_district;
    School s;
    s.id = NumberedId('s', 5, i + 1);
    s.district_id = NumberedId('d', 4, d + 1);
    const bool partner = o_.schools_per_district >= 5 && pos == o_.schools_per_district - 1;
    const bool secondary = (i % 3) == 1;
    s.kind = pos == 0 ? SchoolKind::kCore : partner ? SchoolKind::kPartner : SchoolKind::kMember;
    s.weak = s.kind == SchoolKind::kMember && Chance(25);
    if (partner) {
      s.name = "第" + std::to_string(d + 1) + "学区共建单位";
      s.name_en = "Partner institution of district " + std::to_string(d + 1);
    } else {
      s.name = "第" + std::to_string(i + 1) + (secondary ? "中学" : "小学");
      s.name_en = (secondary ? "No. " + std::to_string(i + 1) + " Middle School"
                             : "No. " + std::to_string(i + 1) + " Primary School");
      s.students = 300 + Rand(3700);
      s.periods = Timetable(secondary);
    }
    s.location = {centres[d].lat + (Rand(1000) - 500) * 0.00006, centres[d].lon + (Rand(1000) - 500) * 0.00006};
    schools_.push_back(std::move(s));
    district_of_school_.push_back(d);
  }

  int total_weight = 0;
  for (const auto& t : kTemplates) total_weight += t.weight;
  for (int i = 0; i < o_.resources; ++i) {
    const School& owner = schools_[i % o_.schools];
    int pick = Rand(total_weight);
    const ResourceTemplate* t = &kTemplates[0];
    for (const auto& candidate : kTemplates) {
      if (pick < candidate.weight) {
        t = &candidate;
        break;
      }
      pick -= candidate.weight;
    }
    Resource r;
    r.id = NumberedId('r', 6, i + 1);
    r.school_id = owner.id;
    r.name = owner.name + t->name;
    r.name_en = std::string(t->name_en) + " (" + owner.id + ")";
    r.type = t->type;
    const int size = t->size_min + Rand(t->size_max - t->size_min + 1);
    (r.is_equipment() ? r.quantity : r.capacity) = size;
    for (const char* f : t->features) {
      if (f != nullptr) r.features.push_back(f);
    }
    const bool partner = owner.kind == SchoolKind::kPartner;
    r.opening_hours = OpeningHours(partner && !r.is_equipment() ? Hours::kPartner : t->hours);
    r.buffer_minutes = t->buffer_minutes;
    r.policy.shared = !Chance(8);
    r.policy.approval = partner      ? ApprovalMode::kOwnerThenDistrict
                        : Chance(60) ? ApprovalMode::kOwner
                                     : ApprovalMode::kNone;
    r.policy.max_advance_days = 60;
    r.policy.min_notice_minutes = r.type == ResourceType::kHall ? 1440 : 0;
    r.policy.weekly_cap_minutes = Chance(30) ? 360 : 0;
    r.policy.hourly_fee_cents = partner ? 10000 * (1 + Rand(3)) : 0;
    resources_.push_back(std::move(r));
  }

  const Actor system = Actor::System();
  const size_t batch = static_cast<size_t>(o_.batch);
  for (size_t from = 0; from < schools_.size(); from += batch) {
    SS_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
      for (size_t i = from; i < std::min(schools_.size(), from + batch); ++i) {
        SS_RETURN_IF_ERROR(store_.PutSchool(schools_[i], system));
      }
      return Status::Ok();
    }));
    stats_.schools = static_cast<int>(std::min(schools_.size(), from + batch));
  }
  for (size_t from = 0; from < resources_.size(); from += batch) {
    SS_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
      for (size_t i = from; i < std::min(resources_.size(), from + batch); ++i) {
        SS_RETURN_IF_ERROR(store_.PutResource(resources_[i], system));
      }
      return Status::Ok();
    }));
    stats_.resources = static_cast<int>(std::min(resources_.size(), from + batch));
  }
  Report();
  return Status::Ok();
}

// Equipment is always available; loans are placed in office hours on weekdays.
constexpr WeeklyWindow kLoanWindows[] = {
    {1, 480, 1080}, {2, 480, 1080}, {3, 480, 1080}, {4, 480, 1080}, {5, 480, 1080}};

Status Generator::PlaceBooking(const Resource& r, int k, std::int64_t count, Instant* cursor, Booking* b) {
  const bool equipment = r.is_equipment();
  const int duration = equipment ? 60 * (2 + Rand(7)) : (Rand(2) == 0 ? 40 + 5 * Rand(2) : 60 + 30 * Rand(3));
  const CivilDate first_day = tz_.LocalDate(now_ - kPastDays * kDay);
  const CivilDate target = first_day.AddDays(static_cast<int>(k * kSpanDays / count));
  const Instant buffer = r.buffer_minutes * kMinute;
  const Instant earliest = *cursor == 0 ? 0 : *cursor + buffer;
  CivilDate day = std::max(target, *cursor == 0 ? first_day : tz_.LocalDate(earliest));
  const Instant offset = 15 * kMinute * Rand(6);
  for (int tries = 0; tries < 400; ++tries, day = day.AddDays(1)) {
    const int weekday = day.IsoWeekday();
    auto try_windows = [&](const auto& windows) -> bool {
      for (const WeeklyWindow& w : windows) {
        if (w.weekday != weekday || w.end_minute - w.start_minute < duration) continue;
        auto open = tz_.ToInstant(day, w.start_minute);
        auto close = tz_.ToInstant(day, w.end_minute);
        if (!open.ok() || !close.ok()) continue;
        // The earliest start on the 5-minute grid of the window, `offset` later when that still fits.
        auto on_grid = [&](Instant t) { return *open + (t - *open + 5 * kMinute - 1) / (5 * kMinute) * (5 * kMinute); };
        Instant start = on_grid(std::max(*open + offset, earliest));
        if (start + duration * kMinute > *close) start = on_grid(std::max(*open, earliest));
        if (start + duration * kMinute > *close) continue;
        b->start = start;
        b->end = start + duration * kMinute;
        return true;
      }
      return false;
    };
    const bool placed =
        (equipment || r.opening_hours.empty()) ? try_windows(kLoanWindows) : try_windows(r.opening_hours);
    if (placed) {
      *cursor = b->end;
      return Status::Ok();
    }
  }
  return Status::Internal("generator: no opening window for resource " + r.id);
}

Status Generator::WriteBookings() {
  const std::int64_t total = o_.bookings;
  const std::int64_t per = resources_.empty() ? 0 : total / static_cast<std::int64_t>(resources_.size());
  const std::int64_t extra = resources_.empty() ? 0 : total % static_cast<std::int64_t>(resources_.size());
  const Actor by{"gen", Role::kDistrictAdmin, ""};
  std::vector<Booking> pending_rows;
  pending_rows.reserve(static_cast<size_t>(o_.batch));

  auto flush = [&]() -> Status {
    if (pending_rows.empty()) return Status::Ok();
    SS_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
      for (const Booking& b : pending_rows) SS_RETURN_IF_ERROR(store_.InsertBooking(b, by, "booking.generate"));
      return Status::Ok();
    }));
    stats_.bookings += static_cast<std::int64_t>(pending_rows.size());
    pending_rows.clear();
    Report();
    return Status::Ok();
  };

  std::int64_t index = 0;
  for (size_t ri = 0; ri < resources_.size(); ++ri) {
    const Resource& r = resources_[ri];
    const std::int64_t count = per + (static_cast<std::int64_t>(ri) < extra ? 1 : 0);
    const int owner_index = static_cast<int>(ri % schools_.size());
    const int district = district_of_school_[owner_index];
    const int district_first = district * o_.schools_per_district;
    const int district_size = std::min(o_.schools_per_district, o_.schools - district_first);
    Instant cursor = 0;
    for (std::int64_t k = 0; k < count; ++k, ++index) {
      Booking b;
      SS_RETURN_IF_ERROR(PlaceBooking(r, static_cast<int>(k), count, &cursor, &b));
      b.id = GenUuid(o_.seed, static_cast<std::uint64_t>(index));
      b.resource_id = r.id;
      const bool cross = r.policy.shared && Chance(55);
      const int borrower = cross ? district_first + Rand(district_size) : owner_index;
      b.school_id = schools_[borrower].id;
      b.organizer = std::string(kSurnames[Rand(std::size(kSurnames))]) + "老师";
      const Activity& a = kActivities[static_cast<int>(r.type)][Rand(3)];
      b.title = a.title;
      b.activity_type = a.type;
      if (r.is_equipment()) {
        b.quantity = 1 + Rand(r.quantity);
      } else {
        b.attendees = r.capacity > 0 ? std::max(1, r.capacity / 4 + Rand(r.capacity * 3 / 4)) : 20;
      }
      // Past bookings were decided; a future request waits for approval only when it needs one.
      const bool may_wait = b.start >= now_ && b.school_id != r.school_id && r.policy.approval != ApprovalMode::kNone;
      const int roll = Rand(100);
      b.status = roll < 80   ? BookingStatus::kConfirmed
                 : roll < 95 ? (may_wait ? BookingStatus::kPending : BookingStatus::kConfirmed)
                 : roll < 98 ? BookingStatus::kCancelled
                             : (may_wait ? BookingStatus::kRejected : BookingStatus::kCancelled);
      b.stage = b.status == BookingStatus::kPending ? ApprovalStage::kOwner : ApprovalStage::kNone;
      if (b.status == BookingStatus::kCancelled) b.note = "计划调整";
      if (b.status == BookingStatus::kRejected) b.note = "场地已另有安排";
      std::string code;
      do {
        code = GenCode(code_offset_, codes_used_++);
      } while (check_codes_ && store_.BookingCodeExists(code));
      b.code = std::move(code);
      b.created_by = by.id;
      b.created_at = std::min(b.start - kDay * (1 + Rand(20)), now_ - kMinute * Rand(3 * 24 * 60));
      b.updated_at = b.created_at;
      b.version = 1;
      pending_rows.push_back(std::move(b));
      if (pending_rows.size() >= static_cast<size_t>(o_.batch)) SS_RETURN_IF_ERROR(flush());
    }
  }
  return flush();
}

Result<GenStats> Generator::Run() {
  if (o_.schools <= 0 || o_.resources < 0 || o_.bookings < 0 || o_.schools_per_district <= 0 || o_.batch <= 0) {
    return Status::InvalidArgument(
        "gen: schools, schools per district and batch must be positive; "
        "resources and bookings not negative");
  }
  if (o_.resources == 0 && o_.bookings > 0) return Status::InvalidArgument("gen: bookings need resources");
  if (o_.schools > 99999 || o_.resources > 999999) {
    return Status::InvalidArgument("gen: at most 99999 schools and 999999 resources");
  }
  if (static_cast<std::uint64_t>(o_.bookings) > kCodeSpace / 2) {
    return Status::InvalidArgument("gen: too many bookings for unique booking codes");
  }
  SS_ASSIGN_OR_RETURN(tz_, TimeZone::Find("Asia/Shanghai"));
  now_ = o_.now != 0 ? o_.now : kDefaultNow;
  if (store_.GetDistrict(NumberedId('d', 4, 1)).ok()) {
    return Status::AlreadyExists("gen: district d0001 already exists; generate into an empty store");
  }
  SS_ASSIGN_OR_RETURN(std::int64_t version, store_.LatestVersion());
  check_codes_ = version > 0;  // codes drawn by the booking service may already be there
  code_offset_ = SplitMix64(o_.seed) % kCodeSpace;
  SS_RETURN_IF_ERROR(WriteCatalogue());
  SS_RETURN_IF_ERROR(WriteBookings());
  stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return stats_;
}

}  // namespace

Result<GenStats> GenerateCity(Store& store, const GenOptions& options,
                              const std::function<void(const GenStats&)>& progress) {
  Generator generator(store, options, progress);
  return generator.Run();
}

}  // namespace schoolshare
