// Enum words of the domain model and the small helpers of model.h.
#include "schoolshare/model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

namespace schoolshare {
namespace {

// The words of an enum, in enumerator order (index = static_cast<int>(value)). Persistent: append only.
constexpr std::array<const char*, 3> kSchoolKindWords = {"core", "member", "partner"};
constexpr std::array<const char*, 5> kResourceTypeWords = {"field", "hall", "lab", "room", "equipment"};
constexpr std::array<const char*, 3> kApprovalModeWords = {"none", "owner", "owner_then_district"};
constexpr std::array<const char*, 4> kBookingStatusWords = {"pending", "confirmed", "rejected", "cancelled"};
constexpr std::array<const char*, 3> kApprovalStageWords = {"none", "owner", "district"};
constexpr std::array<const char*, 5> kFactKindWords = {"check_in", "check_out", "walk_in", "hand_out", "return"};
constexpr std::array<const char*, 5> kRoleWords = {"district_admin", "school_manager", "kiosk", "auditor", "feed"};
constexpr std::array<const char*, 4> kBlackoutKindWords = {"maintenance", "exam", "event", "other"};
constexpr std::array<const char*, 4> kCalendarDayKindWords = {"public_holiday", "school_holiday", "exam",
                                                              "makeup_workday"};
constexpr std::array<const char*, 2> kPeriodStatusWords = {"open", "signed_off"};
constexpr std::array<const char*, 3> kOutboxStateWords = {"pending", "acked", "rejected"};

template <typename E, std::size_t N>
const char* WordOf(const std::array<const char*, N>& words, E value) {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? words[i] : "unknown";
}

// `what` names the enum in the error: `unknown resource type "gym" (expected field|hall|...)`.
template <typename E, std::size_t N>
Result<E> ParseWord(const std::array<const char*, N>& words, const std::string& word, std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (word == words[i]) return static_cast<E>(i);
  }
  std::string message = "unknown " + std::string(what) + " \"" + word + "\" (expected ";
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) message += '|';
    message += words[i];
  }
  message += ')';
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

const char* ToString(SchoolKind v) { return WordOf(kSchoolKindWords, v); }
const char* ToString(ResourceType v) { return WordOf(kResourceTypeWords, v); }
const char* ToString(ApprovalMode v) { return WordOf(kApprovalModeWords, v); }
const char* ToString(BookingStatus v) { return WordOf(kBookingStatusWords, v); }
const char* ToString(ApprovalStage v) { return WordOf(kApprovalStageWords, v); }
const char* ToString(FactKind v) { return WordOf(kFactKindWords, v); }
const char* ToString(Role v) { return WordOf(kRoleWords, v); }
const char* ToString(BlackoutKind v) { return WordOf(kBlackoutKindWords, v); }
const char* ToString(CalendarDayKind v) { return WordOf(kCalendarDayKindWords, v); }
const char* ToString(PeriodStatus v) { return WordOf(kPeriodStatusWords, v); }
const char* ToString(OutboxState v) { return WordOf(kOutboxStateWords, v); }

Result<SchoolKind> ParseSchoolKind(const std::string& word) {
  return ParseWord<SchoolKind>(kSchoolKindWords, word, "school kind");
}
Result<ResourceType> ParseResourceType(const std::string& word) {
  return ParseWord<ResourceType>(kResourceTypeWords, word, "resource type");
}
Result<ApprovalMode> ParseApprovalMode(const std::string& word) {
  return ParseWord<ApprovalMode>(kApprovalModeWords, word, "approval mode");
}
Result<BookingStatus> ParseBookingStatus(const std::string& word) {
  return ParseWord<BookingStatus>(kBookingStatusWords, word, "booking status");
}
Result<ApprovalStage> ParseApprovalStage(const std::string& word) {
  return ParseWord<ApprovalStage>(kApprovalStageWords, word, "approval stage");
}
Result<FactKind> ParseFactKind(const std::string& word) {
  return ParseWord<FactKind>(kFactKindWords, word, "fact kind");
}
Result<Role> ParseRole(const std::string& word) { return ParseWord<Role>(kRoleWords, word, "role"); }
Result<BlackoutKind> ParseBlackoutKind(const std::string& word) {
  return ParseWord<BlackoutKind>(kBlackoutKindWords, word, "blackout kind");
}
Result<CalendarDayKind> ParseCalendarDayKind(const std::string& word) {
  return ParseWord<CalendarDayKind>(kCalendarDayKindWords, word, "calendar day kind");
}
Result<PeriodStatus> ParsePeriodStatus(const std::string& word) {
  return ParseWord<PeriodStatus>(kPeriodStatusWords, word, "period status");
}
Result<OutboxState> ParseOutboxState(const std::string& word) {
  return ParseWord<OutboxState>(kOutboxStateWords, word, "outbox state");
}

double DistanceKm(const GeoPoint& a, const GeoPoint& b) {
  // Haversine on a sphere of the Earth's mean radius (IUGG); error under 0.5% against the ellipsoid,
  // plenty for ranking campuses by travel distance.
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kPi = 3.14159265358979323846;
  constexpr double kRad = kPi / 180.0;
  const double dlat = (b.lat - a.lat) * kRad;
  const double dlon = (b.lon - a.lon) * kRad;
  const double s_lat = std::sin(dlat / 2);
  const double s_lon = std::sin(dlon / 2);
  double h = s_lat * s_lat + std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * s_lon * s_lon;
  h = std::clamp(h, 0.0, 1.0);  // rounding can push it just past 1 for antipodal points
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
}

bool Resource::HasFeature(const std::string& f) const {
  return std::find(features.begin(), features.end(), f) != features.end();
}

bool SharingAgreement::Covers(const std::string& resource_id) const {
  return resource_ids.empty() || std::find(resource_ids.begin(), resource_ids.end(), resource_id) != resource_ids.end();
}

}  // namespace schoolshare
