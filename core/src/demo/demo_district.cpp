// The demo district (九龙坡区): data tables first, then the seeder that plays a term forward.
//
// How the seed stays inside the rules: the catalogue, calendar, blackouts and agreements are written
// as data; every booking is then requested through BookingService on a private ManualClock set to a
// plausible moment before the booking starts (so "nothing before now", notice and advance limits hold
// without back-filling). Cross-school bookings are first checked by a small planner (Planner below)
// that knows the demo's own occupancy, opening hours, calendar and blackouts; slots it rules out are
// simply not planned. Anything the booking service still refuses is an unexpected refusal, reported in
// DemoInfo::refusals (the test asserts there are none). Today's bookings at the tour school are the
// exception: since "now" is arbitrary, candidate slots are tried with dry runs and the first accepted one
// is booked.
#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "demo/demo_people.h"
#include "schoolshare/booking_service.h"
#include "schoolshare/calendar.h"
#include "schoolshare/demo.h"
#include "schoolshare/model.h"
#include "schoolshare/rules.h"

namespace schoolshare {
namespace {

constexpr char kDistrictId[] = "jlp";
constexpr char kTourSchool[] = "xjw";
constexpr char kTourResource[] = "xjw-football";
constexpr std::uint32_t kSeed = 20261122;  // fixed: the same now gives the same demo

constexpr int Hm(int h, int m) { return h * 60 + m; }

// ---------------------------------------------------------------------------------------------------
// Schools. Locations are approximate (Jiulongpo lies around 29.50N 106.50E); the rural-ish member
// schools are further west and south.

enum class Level { kPrimary, kSecondary, kNone };

struct SchoolRow {
  const char* id;
  const char* name;
  const char* name_en;
  SchoolKind kind;
  bool weak;
  int students;
  double lat;
  double lon;
  Level level;
};

// clang-format off
constexpr SchoolRow kSchools[] = {
    {"xjw", "谢家湾小学", "Xiejiawan Primary School", SchoolKind::kCore, false, 3600, 29.5205, 106.5240, Level::kPrimary},
    {"xjw-jm", "谢家湾（金茂）小学", "Xiejiawan (Jinmao) Primary School", SchoolKind::kMember, false, 1500, 29.5010, 106.4710, Level::kPrimary},
    {"tielu", "铁路小学", "Tielu Primary School", SchoolKind::kMember, true, 860, 29.5090, 106.5390, Level::kPrimary},
    {"huafu", "华福小学", "Huafu Primary School", SchoolKind::kMember, false, 1320, 29.4950, 106.5050, Level::kPrimary},
    {"hualiang", "华梁小学", "Hualiang Primary School", SchoolKind::kMember, true, 620, 29.4550, 106.4300, Level::kPrimary},
    {"yucai", "育才中学", "Chongqing Yucai Middle School", SchoolKind::kCore, false, 4800, 29.5300, 106.5150, Level::kSecondary},
    {"yuxi", "渝西中学", "Yuxi Middle School", SchoolKind::kMember, true, 2100, 29.3900, 106.3000, Level::kSecondary},
    {"gxyc", "高新育才学校", "Gaoxin Yucai School", SchoolKind::kMember, false, 2600, 29.5550, 106.4000, Level::kSecondary},
    {"tianbao", "天宝实验学校", "Tianbao Experimental School", SchoolKind::kMember, true, 1100, 29.4200, 106.3500, Level::kSecondary},
    {"yjp", "杨家坪中学", "Yangjiaping Middle School", SchoolKind::kCore, false, 3200, 29.5110, 106.5130, Level::kSecondary},
    {"yjp-b", "杨家坪中学B校区", "Yangjiaping Middle School, Campus B", SchoolKind::kMember, false, 1400, 29.5030, 106.4980, Level::kSecondary},
    {"yjp-c", "杨家坪中学C校区", "Yangjiaping Middle School, Campus C", SchoolKind::kMember, false, 1000, 29.4800, 106.4550, Level::kSecondary},
    {"scfai", "四川美术学院（黄桷坪校区）", "Sichuan Fine Arts Institute (Huangjueping Campus)", SchoolKind::kPartner, false, 0, 29.4895, 106.5245, Level::kNone},
    {"jxxy", "九龙坡区教师进修学院", "Jiulongpo Teachers' Training College", SchoolKind::kPartner, false, 0, 29.5080, 106.5100, Level::kNone},
};
// clang-format on

// 节次: primary schools run 40-minute periods from 08:00, secondary schools 45-minute ones from 07:50.
constexpr ClassPeriod kPrimaryPeriods[] = {
    {1, Hm(8, 0), Hm(8, 40)},   {2, Hm(8, 50), Hm(9, 30)},   {3, Hm(10, 0), Hm(10, 40)}, {4, Hm(10, 50), Hm(11, 30)},
    {5, Hm(14, 0), Hm(14, 40)}, {6, Hm(14, 50), Hm(15, 30)}, {7, Hm(15, 40), Hm(16, 20)}};
constexpr ClassPeriod kSecondaryPeriods[] = {
    {1, Hm(7, 50), Hm(8, 35)},  {2, Hm(8, 45), Hm(9, 30)},   {3, Hm(10, 0), Hm(10, 45)},  {4, Hm(10, 55), Hm(11, 40)},
    {5, Hm(14, 0), Hm(14, 45)}, {6, Hm(14, 55), Hm(15, 40)}, {7, Hm(15, 50), Hm(16, 35)}, {8, Hm(16, 45), Hm(17, 30)}};

// ---------------------------------------------------------------------------------------------------
// Resources.

enum class Hours {
  kSchoolVenue,  // Mon-Fri 07:30-18:30 (own classes by day, open to others after school), Sat 08:30-17:00
  kTourVenue,    // every day 07:00-21:00 (the tour school's floodlit pitch, open to the community)
  kIndoor,       // Mon-Fri 07:30-18:00
  kPartner,      // Mon-Fri 09:00-17:00
  kAlways,       // no restriction (equipment, home-only rooms)
};

enum class Policy {
  kAuto,           // shared, no approval
  kOwner,          // shared, owner approves
  kOwnerCapped,    // shared, owner approves, 6 h a week per borrowing school
  kHall,           // owner approves, a day's notice, at most 4 h
  kPartnerHall,    // owner then district approve, a day's notice, 300 yuan an hour
  kPartnerRoom,    // owner approves, a day's notice
  kHomeOnly,       // not lent
  kEquipment,      // owner approves, at most 3 days
  kEquipmentAuto,  // no approval, at most 3 days
};

struct ResourceRow {
  const char* id;
  const char* school;
  const char* name;
  const char* name_en;
  ResourceType type;
  int size;              // capacity, or stock for equipment
  const char* features;  // space-separated
  Hours hours;
  int buffer;
  const char* parent;
  Policy policy;
};

using enum ResourceType;  // the table below reads kField, kHall, ...

// clang-format off
constexpr ResourceRow kResources[] = {
    // 谢家湾小学
    {"xjw-football", "xjw", "足球场（11人制）", "Football pitch (11-a-side)", kField, 300, "football turf floodlights", Hours::kTourVenue, 10, "", Policy::kOwnerCapped},
    {"xjw-football-a", "xjw", "足球场A半场", "Football pitch, half A", kField, 150, "football turf floodlights", Hours::kTourVenue, 10, "xjw-football", Policy::kOwnerCapped},
    {"xjw-football-b", "xjw", "足球场B半场", "Football pitch, half B", kField, 150, "football turf floodlights", Hours::kTourVenue, 10, "xjw-football", Policy::kOwnerCapped},
    {"xjw-gym", "xjw", "风雨操场", "Covered sports hall", kHall, 400, "basketball badminton", Hours::kSchoolVenue, 15, "", Policy::kOwnerCapped},
    {"xjw-hall", "xjw", "学术报告厅", "Lecture hall", kHall, 480, "stage projector sound-system", Hours::kSchoolVenue, 20, "", Policy::kHall},
    {"xjw-science", "xjw", "科学实验室", "Science lab", kLab, 48, "microscope projector", Hours::kIndoor, 10, "", Policy::kOwner},
    {"xjw-computer", "xjw", "计算机教室", "Computer room", kRoom, 50, "computers projector", Hours::kIndoor, 10, "", Policy::kOwner},
    {"xjw-maker", "xjw", "创客教室", "Maker room", kRoom, 40, "3d-printer computers", Hours::kIndoor, 10, "", Policy::kOwner},
    {"xjw-music", "xjw", "音乐教室", "Music room", kRoom, 50, "piano", Hours::kIndoor, 5, "", Policy::kOwner},
    {"xjw-studio", "xjw", "录播教室", "Recording classroom", kRoom, 40, "projector recording", Hours::kAlways, 0, "", Policy::kHomeOnly},
    {"xjw-footballs", "xjw", "足球", "Footballs", kEquipment, 60, "", Hours::kAlways, 0, "", Policy::kEquipmentAuto},
    {"xjw-robotics", "xjw", "机器人套件", "Robotics kits", kEquipment, 12, "", Hours::kAlways, 0, "", Policy::kEquipment},
    // 谢家湾（金茂）小学
    {"xjw-jm-field", "xjw-jm", "运动场（200米跑道）", "Sports ground (200 m track)", kField, 200, "200m-track football", Hours::kSchoolVenue, 10, "", Policy::kOwnerCapped},
    {"xjw-jm-hall", "xjw-jm", "多功能厅", "Multi-purpose hall", kHall, 260, "stage projector sound-system", Hours::kSchoolVenue, 20, "", Policy::kHall},
    {"xjw-jm-computer", "xjw-jm", "计算机教室", "Computer room", kRoom, 45, "computers projector", Hours::kIndoor, 10, "", Policy::kOwner},
    {"xjw-jm-music", "xjw-jm", "音乐教室", "Music room", kRoom, 45, "piano", Hours::kIndoor, 5, "", Policy::kOwner},
    // 铁路小学
    {"tielu-field", "tielu", "操场", "Playground", kField, 150, "basketball", Hours::kSchoolVenue, 10, "", Policy::kOwner},
    {"tielu-music", "tielu", "音乐教室", "Music room", kRoom, 40, "piano", Hours::kIndoor, 5, "", Policy::kOwner},
    {"tielu-room", "tielu", "多功能教室", "Multi-purpose room", kRoom, 80, "projector", Hours::kAlways, 0, "", Policy::kHomeOnly},
    // 华福小学
    {"huafu-field", "huafu", "运动场", "Sports ground", kField, 200, "football 200m-track", Hours::kSchoolVenue, 10, "", Policy::kOwnerCapped},
    {"huafu-hall", "huafu", "多功能厅", "Multi-purpose hall", kHall, 220, "stage projector sound-system", Hours::kSchoolVenue, 20, "", Policy::kHall},
    {"huafu-science", "huafu", "科学实验室", "Science lab", kLab, 45, "microscope", Hours::kIndoor, 10, "", Policy::kOwner},
    {"huafu-maker", "huafu", "创客教室", "Maker room", kRoom, 36, "3d-printer", Hours::kIndoor, 10, "", Policy::kOwner},
    // 华梁小学
    {"hualiang-field", "hualiang", "操场", "Playground", kField, 100, "basketball", Hours::kSchoolVenue, 10, "", Policy::kOwner},
    {"hualiang-room", "hualiang", "多功能教室", "Multi-purpose room", kRoom, 60, "projector", Hours::kAlways, 0, "", Policy::kHomeOnly},
    // 育才中学
    {"yucai-track", "yucai", "田径场（400米）", "Athletics ground (400 m track)", kField, 600, "400m-track football floodlights", Hours::kSchoolVenue, 10, "", Policy::kOwnerCapped},
    {"yucai-gym", "yucai", "体育馆", "Gymnasium", kHall, 800, "basketball badminton volleyball", Hours::kSchoolVenue, 15, "", Policy::kOwnerCapped},
    {"yucai-auditorium", "yucai", "大礼堂", "Auditorium", kHall, 800, "stage projector sound-system", Hours::kSchoolVenue, 30, "", Policy::kHall},
    {"yucai-physics", "yucai", "物理实验室", "Physics lab", kLab, 56, "projector", Hours::kIndoor, 10, "", Policy::kOwnerCapped},
    {"yucai-chem", "yucai", "化学实验室", "Chemistry lab", kLab, 56, "fume-hood", Hours::kIndoor, 15, "", Policy::kOwnerCapped},
    {"yucai-bio", "yucai", "生物实验室", "Biology lab", kLab, 56, "microscope", Hours::kIndoor, 10, "", Policy::kOwnerCapped},
    {"yucai-computer", "yucai", "计算机教室", "Computer room", kRoom, 60, "computers projector", Hours::kIndoor, 10, "", Policy::kOwner},
    {"yucai-maker", "yucai", "创客空间", "Maker space", kRoom, 45, "3d-printer laser-cutter", Hours::kIndoor, 10, "", Policy::kOwner},
    {"yucai-music", "yucai", "音乐教室", "Music room", kRoom, 60, "piano", Hours::kIndoor, 5, "", Policy::kOwner},
    {"yucai-microscopes", "yucai", "显微镜", "Microscopes", kEquipment, 30, "", Hours::kAlways, 0, "", Policy::kEquipment},
    {"yucai-pa", "yucai", "移动扩音系统", "Portable PA system", kEquipment, 2, "", Hours::kAlways, 0, "", Policy::kEquipment},
    // 渝西中学
    {"yuxi-track", "yuxi", "田径场（400米）", "Athletics ground (400 m track)", kField, 500, "400m-track football", Hours::kSchoolVenue, 10, "", Policy::kOwnerCapped},
    {"yuxi-hall", "yuxi", "报告厅", "Lecture hall", kHall, 300, "stage projector sound-system", Hours::kSchoolVenue, 20, "", Policy::kHall},
    {"yuxi-chem", "yuxi", "化学实验室", "Chemistry lab", kLab, 50, "fume-hood", Hours::kIndoor, 15, "", Policy::kOwner},
    {"yuxi-computer", "yuxi", "计算机教室", "Computer room", kRoom, 50, "computers", Hours::kIndoor, 10, "", Policy::kOwner},
    // 高新育才学校
    {"gxyc-football", "gxyc", "足球场", "Football pitch", kField, 300, "football turf", Hours::kSchoolVenue, 10, "", Policy::kOwnerCapped},
    {"gxyc-gym", "gxyc", "体育馆", "Gymnasium", kHall, 600, "basketball badminton", Hours::kSchoolVenue, 15, "", Policy::kOwnerCapped},
    {"gxyc-hall", "gxyc", "报告厅", "Lecture hall", kHall, 400, "stage projector sound-system", Hours::kSchoolVenue, 20, "", Policy::kHall},
    {"gxyc-maker", "gxyc", "创客中心", "Maker centre", kRoom, 40, "3d-printer laser-cutter", Hours::kIndoor, 10, "", Policy::kOwner},
    {"gxyc-computer", "gxyc", "计算机教室", "Computer room", kRoom, 55, "computers projector", Hours::kIndoor, 10, "", Policy::kOwner},
    {"gxyc-drones", "gxyc", "无人机", "Drones", kEquipment, 10, "", Hours::kAlways, 0, "", Policy::kEquipment},
    // 天宝实验学校
    {"tianbao-field", "tianbao", "运动场", "Sports ground", kField, 200, "football 200m-track", Hours::kSchoolVenue, 10, "", Policy::kOwner},
    {"tianbao-lab", "tianbao", "综合实验室", "General science lab", kLab, 45, "microscope", Hours::kIndoor, 10, "", Policy::kOwner},
    {"tianbao-music", "tianbao", "音乐教室", "Music room", kRoom, 40, "piano", Hours::kIndoor, 5, "", Policy::kOwner},
    // 杨家坪中学 and its campuses
    {"yjp-track", "yjp", "田径场（400米）", "Athletics ground (400 m track)", kField, 600, "400m-track football", Hours::kSchoolVenue, 10, "", Policy::kOwnerCapped},
    {"yjp-gym", "yjp", "体育馆", "Gymnasium", kHall, 700, "basketball badminton", Hours::kSchoolVenue, 15, "", Policy::kOwnerCapped},
    {"yjp-auditorium", "yjp", "礼堂", "Auditorium", kHall, 600, "stage projector sound-system", Hours::kSchoolVenue, 30, "", Policy::kHall},
    {"yjp-physics", "yjp", "物理实验室", "Physics lab", kLab, 50, "projector", Hours::kIndoor, 10, "", Policy::kOwner},
    {"yjp-chem", "yjp", "化学实验室", "Chemistry lab", kLab, 50, "fume-hood", Hours::kIndoor, 15, "", Policy::kOwner},
    {"yjp-bio", "yjp", "生物实验室", "Biology lab", kLab, 50, "microscope", Hours::kIndoor, 10, "", Policy::kOwner},
    {"yjp-music", "yjp", "音乐教室", "Music room", kRoom, 55, "piano", Hours::kIndoor, 5, "", Policy::kOwner},
    {"yjp-b-field", "yjp-b", "运动场", "Sports ground", kField, 300, "football basketball", Hours::kSchoolVenue, 10, "", Policy::kOwner},
    {"yjp-b-hall", "yjp-b", "报告厅", "Lecture hall", kHall, 200, "stage projector", Hours::kSchoolVenue, 20, "", Policy::kHall},
    {"yjp-c-field", "yjp-c", "运动场", "Sports ground", kField, 200, "basketball", Hours::kSchoolVenue, 10, "", Policy::kOwner},
    {"yjp-c-computer", "yjp-c", "计算机教室", "Computer room", kRoom, 50, "computers", Hours::kIndoor, 10, "", Policy::kOwner},
    // Partner institutions
    {"scfai-auditorium", "scfai", "礼堂", "Auditorium", kHall, 800, "stage projector sound-system", Hours::kPartner, 30, "", Policy::kPartnerHall},
    {"scfai-gallery", "scfai", "美术馆展厅", "Gallery", kHall, 200, "exhibition", Hours::kPartner, 30, "", Policy::kPartnerRoom},
    {"jxxy-hall", "jxxy", "报告厅", "Lecture hall", kHall, 320, "stage projector sound-system", Hours::kPartner, 20, "", Policy::kPartnerRoom},
    {"jxxy-meeting", "jxxy", "研训室", "Training room", kRoom, 60, "projector", Hours::kPartner, 10, "", Policy::kPartnerRoom},
    {"jxxy-studio", "jxxy", "录播室", "Recording studio", kRoom, 30, "recording", Hours::kPartner, 10, "", Policy::kPartnerRoom},
};
// clang-format on

std::vector<WeeklyWindow> OpeningHours(Hours h) {
  std::vector<WeeklyWindow> w;
  switch (h) {
    case Hours::kSchoolVenue:
      for (int d = 1; d <= 5; ++d) w.push_back({d, Hm(7, 30), Hm(18, 30)});
      w.push_back({6, Hm(8, 30), Hm(17, 0)});
      break;
    case Hours::kTourVenue:
      for (int d = 1; d <= 7; ++d) w.push_back({d, Hm(7, 0), Hm(21, 0)});
      break;
    case Hours::kIndoor:
      for (int d = 1; d <= 5; ++d) w.push_back({d, Hm(7, 30), Hm(18, 0)});
      break;
    case Hours::kPartner:
      for (int d = 1; d <= 5; ++d) w.push_back({d, Hm(9, 0), Hm(17, 0)});
      break;
    case Hours::kAlways:
      break;
  }
  return w;
}

SharingPolicy MakePolicy(Policy p) {
  SharingPolicy s;
  s.max_advance_days = 60;
  switch (p) {
    case Policy::kAuto:
      s.approval = ApprovalMode::kNone;
      break;
    case Policy::kOwner:
      break;
    case Policy::kOwnerCapped:
      s.weekly_cap_minutes = 360;
      break;
    case Policy::kHall:
      s.min_notice_minutes = 1440;
      s.max_duration_minutes = 240;
      break;
    case Policy::kPartnerHall:
      s.approval = ApprovalMode::kOwnerThenDistrict;
      s.min_notice_minutes = 1440;
      s.max_duration_minutes = 300;
      s.hourly_fee_cents = 30000;
      break;
    case Policy::kPartnerRoom:
      s.min_notice_minutes = 1440;
      break;
    case Policy::kHomeOnly:
      s.shared = false;
      s.max_advance_days = 0;
      break;
    case Policy::kEquipment:
      s.max_duration_minutes = 3 * 1440;
      break;
    case Policy::kEquipmentAuto:
      s.approval = ApprovalMode::kNone;
      s.max_duration_minutes = 3 * 1440;
      break;
  }
  return s;
}

std::vector<std::string> SplitWords(const char* text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// ---------------------------------------------------------------------------------------------------
// Calendar: the State Council's holiday schedules (国务院办公厅节假日安排) for the years published when
// this table was written; for other years only the statutory days of the fixed-date holidays.

struct HolidayRow {
  int year, month, day;
  int days;
  const char* name;
};
struct MakeupRow {
  int year, month, day;
  int runs_weekday;  // the timetable the day runs (schools announce which; here the swapped weekday)
  const char* name;
};

// clang-format off
constexpr HolidayRow kHolidays[] = {
    {2024, 1, 1, 1, "元旦"}, {2024, 2, 10, 8, "春节"}, {2024, 4, 4, 3, "清明节"}, {2024, 5, 1, 5, "劳动节"},
    {2024, 6, 10, 1, "端午节"}, {2024, 9, 15, 3, "中秋节"}, {2024, 10, 1, 7, "国庆节"},
    {2025, 1, 1, 1, "元旦"}, {2025, 1, 28, 8, "春节"}, {2025, 4, 4, 3, "清明节"}, {2025, 5, 1, 5, "劳动节"},
    {2025, 5, 31, 3, "端午节"}, {2025, 10, 1, 8, "国庆节、中秋节"},
    {2026, 1, 1, 3, "元旦"}, {2026, 2, 15, 9, "春节"}, {2026, 4, 4, 3, "清明节"}, {2026, 5, 1, 5, "劳动节"},
    {2026, 6, 19, 3, "端午节"}, {2026, 9, 25, 3, "中秋节"}, {2026, 10, 1, 7, "国庆节"},
};
constexpr MakeupRow kMakeups[] = {
    {2024, 2, 4, 5, "春节调休上班"}, {2024, 2, 18, 1, "春节调休上班"}, {2024, 4, 7, 5, "清明节调休上班"},
    {2024, 4, 28, 1, "劳动节调休上班"}, {2024, 5, 11, 5, "劳动节调休上班"}, {2024, 9, 14, 1, "中秋节调休上班"},
    {2024, 9, 29, 1, "国庆节调休上班"}, {2024, 10, 12, 5, "国庆节调休上班"},
    {2025, 1, 26, 1, "春节调休上班"}, {2025, 2, 8, 5, "春节调休上班"}, {2025, 4, 27, 1, "劳动节调休上班"},
    {2025, 9, 28, 1, "国庆节调休上班"}, {2025, 10, 11, 5, "国庆节调休上班"},
    {2026, 1, 4, 1, "元旦调休上班"}, {2026, 2, 14, 5, "春节调休上班"}, {2026, 2, 28, 1, "春节调休上班"},
    {2026, 5, 9, 1, "劳动节调休上班"}, {2026, 9, 20, 1, "国庆节调休上班"}, {2026, 10, 10, 5, "国庆节调休上班"},
};
constexpr HolidayRow kStatutoryFixed[] = {  // year ignored
    {0, 1, 1, 1, "元旦"}, {0, 5, 1, 2, "劳动节"}, {0, 10, 1, 3, "国庆节"},
};
// clang-format on
constexpr int kFirstTableYear = 2024;
constexpr int kLastTableYear = 2026;

// ---------------------------------------------------------------------------------------------------
// The owners' own timetabled use: weekly series over the term.

struct SeriesRow {
  const char* resource;
  const char* title;
  const char* organizer;
  const char* activity;
  int attendees;
  const char* weekdays;  // digits 1..7
  int start;
  int end;
};

// clang-format off
constexpr SeriesRow kSeries[] = {
    {"xjw-football", "体育课（三年级）", "体育组", "teaching", 45, "135", Hm(10, 0), Hm(10, 40)},
    {"xjw-football", "体育课（五年级）", "体育组", "teaching", 45, "24", Hm(14, 0), Hm(14, 40)},
    {"xjw-football-a", "校足球队训练", "体育组", "sports", 30, "15", Hm(16, 30), Hm(17, 50)},
    {"xjw-football-a", "低年级足球社团", "体育组", "club", 35, "24", Hm(16, 10), Hm(17, 30)},
    {"xjw-gym", "体育课（四年级）", "体育组", "teaching", 45, "12345", Hm(10, 50), Hm(11, 30)},
    {"xjw-gym", "篮球社团", "体育组", "club", 30, "24", Hm(16, 30), Hm(17, 30)},
    {"xjw-computer", "信息科技课", "信息科技组", "teaching", 45, "24", Hm(8, 50), Hm(9, 30)},
    {"xjw-music", "合唱团排练", "艺术组", "club", 50, "3", Hm(16, 30), Hm(17, 30)},
    {"xjw-jm-field", "体育课", "体育组", "teaching", 45, "12345", Hm(10, 0), Hm(10, 40)},
    {"tielu-field", "体育课", "体育组", "teaching", 40, "135", Hm(14, 0), Hm(14, 40)},
    {"huafu-field", "体育课", "体育组", "teaching", 45, "24", Hm(14, 0), Hm(14, 40)},
    {"hualiang-field", "体育课", "体育组", "teaching", 35, "24", Hm(10, 0), Hm(10, 40)},
    {"yucai-track", "体育课（高一）", "体育组", "teaching", 50, "12345", Hm(10, 0), Hm(10, 45)},
    {"yucai-track", "田径队训练", "体育组", "sports", 40, "135", Hm(16, 45), Hm(18, 0)},
    {"yucai-gym", "体育课（初二）", "体育组", "teaching", 50, "12345", Hm(14, 55), Hm(15, 40)},
    {"yucai-chem", "化学实验课（高二）", "化学组", "teaching", 50, "24", Hm(14, 0), Hm(15, 40)},
    {"yucai-auditorium", "年级大会", "德育处", "meeting", 700, "1", Hm(16, 45), Hm(17, 30)},
    {"yuxi-track", "体育课", "体育组", "teaching", 50, "12345", Hm(10, 0), Hm(10, 45)},
    {"gxyc-football", "体育课", "体育组", "teaching", 50, "12345", Hm(10, 0), Hm(10, 45)},
    {"tianbao-field", "体育课", "体育组", "teaching", 45, "135", Hm(14, 0), Hm(14, 45)},
    {"yjp-track", "体育课（高一）", "体育组", "teaching", 50, "12345", Hm(10, 55), Hm(11, 40)},
    {"yjp-gym", "体育课（初一）", "体育组", "teaching", 50, "24", Hm(14, 55), Hm(15, 40)},
    {"yjp-b-field", "体育课", "体育组", "teaching", 50, "135", Hm(10, 55), Hm(11, 40)},
    {"yjp-c-field", "体育课", "体育组", "teaching", 50, "135", Hm(10, 55), Hm(11, 40)},
};
// clang-format on

// ---------------------------------------------------------------------------------------------------
// Cross-school use. Patterns repeat weekly (or every second week) from four weeks back to four weeks
// ahead; one-off bookings carry a fixed fate that the tour shows.

struct PatternRow {
  const char* borrower;
  const char* resource;
  int weekday;
  int start;
  int end;
  const char* title;
  const char* activity;
  int attendees;
  int quantity;
  int every;  // 1 weekly, 2 every second week
  int phase;  // with every == 2: the parity of the week
};

// clang-format off
constexpr PatternRow kPatterns[] = {
    {"hualiang", "xjw-football-b", 2, Hm(16, 10), Hm(17, 40), "华梁小学足球队训练", "sports", 28, 0, 1, 0},
    {"hualiang", "xjw-football-b", 4, Hm(16, 10), Hm(17, 40), "华梁小学足球队训练", "sports", 28, 0, 1, 0},
    {"tielu", "xjw-football", 3, Hm(16, 30), Hm(18, 0), "铁路小学田径训练", "sports", 40, 0, 1, 0},
    {"tielu", "xjw-footballs", 3, Hm(16, 0), Hm(18, 15), "足球借用（田径训练）", "sports", 0, 20, 1, 0},
    {"xjw-jm", "xjw-hall", 5, Hm(14, 30), Hm(16, 0), "集团教研：语文同课异构", "meeting", 80, 0, 2, 0},
    {"tianbao", "yucai-chem", 3, Hm(14, 0), Hm(15, 30), "天宝实验学校化学分组实验", "teaching", 40, 0, 1, 0},
    {"tianbao", "yucai-bio", 5, Hm(14, 0), Hm(15, 30), "显微镜观察实验", "teaching", 40, 0, 2, 1},
    {"tianbao", "yucai-microscopes", 2, Hm(14, 0), Hm(16, 0), "生物课借用显微镜", "teaching", 0, 30, 2, 0},
    {"yuxi", "yucai-track", 6, Hm(9, 0), Hm(11, 0), "渝西中学田径队集训", "sports", 45, 0, 1, 0},
    {"yuxi", "yucai-physics", 4, Hm(14, 30), Hm(16, 0), "渝西中学物理拓展实验", "teaching", 45, 0, 1, 0},
    {"yjp-c", "yjp-track", 1, Hm(16, 50), Hm(18, 0), "C校区田径社团", "sports", 50, 0, 1, 0},
    {"yjp-b", "yjp-gym", 2, Hm(16, 50), Hm(18, 0), "B校区篮球队训练", "sports", 20, 0, 1, 0},
    {"huafu", "xjw-maker", 4, Hm(16, 10), Hm(17, 30), "华福小学创客社团", "club", 30, 0, 1, 0},
    {"hualiang", "xjw-computer", 1, Hm(16, 0), Hm(17, 15), "华梁小学编程兴趣小组", "club", 25, 0, 1, 0},
    {"tielu", "jxxy-meeting", 2, Hm(14, 0), Hm(16, 0), "薄弱校教师研修", "meeting", 30, 0, 2, 0},
    {"tianbao", "gxyc-maker", 3, Hm(16, 30), Hm(18, 0), "天宝实验学校科创营", "club", 30, 0, 1, 0},
    {"gxyc", "yucai-gym", 2, Hm(16, 40), Hm(18, 0), "高新育才篮球友谊赛", "sports", 40, 0, 2, 1},
};
// clang-format on

enum class Fate { kConfirmed, kPendingOwner, kPendingDistrict, kRejected, kCancelled, kDamagedReturn, kNotReturned };

struct OneOffRow {
  const char* borrower;
  const char* resource;
  int week;  // relative to the week of now; past ones stay past, future ones future
  int weekday;
  int start;
  int end_days;  // the booking ends this many days after it starts (equipment loans)
  int end;
  const char* title;
  const char* activity;
  int attendees;
  int quantity;
  Fate fate;
  const char* note;  // the reason of a rejection or cancellation
};

// clang-format off
constexpr OneOffRow kOneOffs[] = {
    {"yuxi", "gxyc-drones", -2, 4, Hm(14, 0), 0, Hm(17, 0), "科技节无人机展演", "club", 0, 10, Fate::kDamagedReturn, ""},
    {"hualiang", "xjw-robotics", -1, 1, Hm(14, 0), 2, Hm(17, 0), "机器人社团借用", "club", 0, 6, Fate::kNotReturned, ""},
    {"yjp", "scfai-auditorium", -2, 3, Hm(14, 30), 0, Hm(16, 30), "杨家坪中学美育讲座", "ceremony", 500, 0, Fate::kConfirmed, ""},
    {"tielu", "jxxy-hall", -3, 2, Hm(9, 30), 0, Hm(11, 30), "区级公开课展示（铁路小学）", "meeting", 200, 0, Fate::kConfirmed, ""},
    {"yjp-b", "yucai-gym", -1, 4, Hm(16, 40), 0, Hm(18, 0), "B校区篮球友谊赛", "sports", 40, 0, Fate::kCancelled, "比赛延期"},
    {"tianbao", "gxyc-hall", -1, 5, Hm(14, 30), 0, Hm(16, 30), "天宝实验学校教师培训", "meeting", 120, 0, Fate::kConfirmed, ""},
    {"huafu", "xjw-hall", 1, 1, Hm(15, 0), 0, Hm(16, 30), "华福小学家长学校讲座", "meeting", 150, 0, Fate::kRejected, "报告厅当天已安排集团教研"},
    {"yjp-c", "yucai-pa", 1, 5, Hm(14, 0), 0, Hm(17, 30), "C校区趣味运动会扩音", "sports", 0, 1, Fate::kPendingOwner, ""},
    {"yjp-b", "yjp-auditorium", 1, 3, Hm(15, 0), 0, Hm(17, 0), "B校区初三家长会", "meeting", 400, 0, Fate::kConfirmed, ""},
    {"yuxi", "yucai-auditorium", 2, 6, Hm(9, 0), 0, Hm(11, 30), "渝西中学高三成人礼", "ceremony", 600, 0, Fate::kPendingOwner, ""},
    {"xjw", "jxxy-hall", 2, 4, Hm(14, 0), 0, Hm(16, 30), "谢家湾教育集团课改成果展示", "meeting", 280, 0, Fate::kPendingOwner, ""},
    {"gxyc", "scfai-auditorium", 3, 5, Hm(14, 0), 0, Hm(16, 30), "高新育才学校艺术节汇演", "ceremony", 700, 0, Fate::kPendingDistrict, ""},
    {"hualiang", "xjw-hall", 3, 5, Hm(14, 30), 0, Hm(16, 0), "华梁小学合唱排练", "club", 60, 0, Fate::kPendingOwner, ""},
};
// clang-format on

// Walk-ins without booking recorded at kiosks.
struct WalkInRow {
  const char* resource;
  const char* school;
  int week;
  int weekday;
  int minute;
  const char* note;
};
constexpr WalkInRow kWalkIns[] = {
    {"xjw-gym", "xjw-jm", -1, 3, Hm(17, 40), "临时使用：篮球友谊赛，约40人"},
    {"yjp-track", "yjp-b", -2, 5, Hm(16, 50), "临时使用：800米测试补测"},
    {"huafu-field", "huafu", -3, 6, Hm(10, 0), "周末社区开放：亲子足球"},
    {"jxxy-meeting", "tielu", -1, 4, Hm(10, 0), "临时使用：教研组集体备课"},
};

// Today at the tour school: candidate resources for the bookings around now, tried in order.
struct TodayRow {
  const char* resource;
  const char* titles[2];  // the booking in progress, the next one
  const char* organizer;
  const char* activity;
  int attendees;
};
constexpr TodayRow kToday[] = {
    {"xjw-football-a", {"校足球队加练", "教工足球友谊赛"}, "体育组", "sports", 30},
    {"xjw-football-b", {"课后服务：足球社团", "家长开放日：亲子足球"}, "体育组", "club", 30},
    {"xjw-football", {"年级足球联赛", "校园足球联赛（复赛）"}, "体育组", "sports", 120},
    {"xjw-gym", {"课后服务：篮球社团", "教工羽毛球活动"}, "体育组", "club", 30},
    {"xjw-studio", {"教师录课：示范课录制", "集团网络教研直播"}, "教务处", "teaching", 10},
};

// ---------------------------------------------------------------------------------------------------

struct Placed {
  Instant start;
  Instant end;
};

enum class Special { kNone, kOnTime, kDamagedReturn, kNotReturned };

Actor ManagerOf(const std::string& school) { return {"demo-manager-" + school, Role::kSchoolManager, school}; }
Actor DistrictAdmin() { return {"demo-district-admin", Role::kDistrictAdmin, ""}; }

std::string ViolationText(const std::vector<Violation>& violations) {
  std::string text;
  for (const Violation& v : violations) {
    if (!text.empty()) text += ",";
    text += RuleName(v.rule);
  }
  return text;
}

class Seeder {
 public:
  Seeder(Store& store, Instant now, TimeZone tz)
      : store_(store), now_(now), tz_(std::move(tz)), sim_(now), service_(store, sim_), rng_(kSeed) {}

  Result<DemoInfo> Run();

 private:
  int Rand(int n) { return n <= 1 ? 0 : static_cast<int>(rng_() % static_cast<std::uint32_t>(n)); }
  std::string NextUuid();
  Result<Instant> Local(const CivilDate& date, int minute) const { return tz_.ToInstant(date, minute); }
  CivilDate WeekDay(int week, int weekday) const { return week0_.AddDays(7 * week + weekday - 1); }
  void Refused(const std::string& what) {
    ++info_.refused;
    info_.refusals.push_back(what);
  }

  Status WriteCatalogue();
  Status WriteCalendar();
  Status WriteBlackoutsAndAgreements();
  Status WriteSeries();
  Status WriteOneOffs();
  Status WritePatterns();
  Status WriteToday();
  Status WriteFacts();
  Status WriteWalkIns();

  // The planner: may a cross-school booking go there, given what the demo has placed so far?
  bool Fits(const Resource& r, const std::string& borrower, Instant start, Instant end, int attendees) const;
  bool Free(const std::string& resource_id, Instant start, Instant end) const;
  void Place(const Resource& r, const std::string& borrower, Instant start, Instant end);
  std::string GroupOf(const Resource& r) const { return r.parent_id.empty() ? r.id : r.parent_id; }
  std::vector<std::string> Related(const Resource& r) const;

  // Requests a cross-school booking at a plausible earlier moment and plays its fate.
  // Returns the booking's id, or "" when the service refused it (counted in info_.refusals).
  Result<std::string> Book(const Resource& r, const std::string& borrower, Instant start, Instant end,
                           const char* title, const char* activity, int attendees, int quantity, Fate fate,
                           const char* note);
  Status ApproveAll(Booking* b, Instant at, Instant until, bool stop_before_district);

  Status AddFact(FactKind kind, const Booking* b, const std::string& resource_id, const std::string& school_id,
                 Instant at, int quantity = 0, const std::string& condition = "", const std::string& note = "");

  Store& store_;
  const Instant now_;
  const TimeZone tz_;
  ManualClock sim_;
  BookingService service_;
  std::mt19937 rng_;
  DemoInfo info_;

  CivilDate today_;
  CivilDate week0_;  // Monday of the week of now
  CivilDate term_first_;
  CivilDate term_last_;
  std::map<std::string, Resource> resources_;
  std::map<std::string, std::string> owner_of_;  // resource -> school
  DistrictCalendar calendar_;
  std::vector<Blackout> blackouts_;
  std::map<std::string, std::vector<Placed>> placed_;                               // resource -> held intervals
  std::map<std::tuple<std::string, std::string, std::int64_t>, int> week_minutes_;  // borrower, group, week
  std::map<std::string, Special> special_;                                          // booking id -> how its facts go
};

std::string Seeder::NextUuid() {
  std::uint32_t w[4];
  for (auto& x : w) x = static_cast<std::uint32_t>(rng_());
  w[1] = (w[1] & 0xffff0fffu) | 0x00004000u;  // version 4
  w[2] = (w[2] & 0x3fffffffu) | 0x80000000u;  // variant 10
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%04x%08x", w[0], w[1] >> 16, w[1] & 0xffff, w[2] >> 16,
                w[2] & 0xffff, w[3]);
  return text;
}

Status Seeder::WriteCatalogue() {
  const Actor by = Actor::System();
  SS_RETURN_IF_ERROR(store_.PutDistrict({kDistrictId, "九龙坡区", "Asia/Shanghai", "zh-CN"}, by));
  for (const SchoolRow& row : kSchools) {
    School s;
    s.id = row.id;
    s.district_id = kDistrictId;
    s.name = row.name;
    s.name_en = row.name_en;
    s.kind = row.kind;
    s.weak = row.weak;
    s.students = row.students;
    s.location = {row.lat, row.lon};
    if (row.level == Level::kPrimary) s.periods.assign(std::begin(kPrimaryPeriods), std::end(kPrimaryPeriods));
    if (row.level == Level::kSecondary) s.periods.assign(std::begin(kSecondaryPeriods), std::end(kSecondaryPeriods));
    SS_RETURN_IF_ERROR(store_.PutSchool(s, by));
    for (const StaffMember& m : demo::DemoStaff(s, info_.schools)) SS_RETURN_IF_ERROR(store_.PutStaff(m, by));
    for (const SchoolClass& c : demo::DemoClasses(s)) SS_RETURN_IF_ERROR(store_.PutClass(c, by));
    ++info_.schools;
  }
  for (const ResourceRow& row : kResources) {  // parents come before their parts in the table
    Resource r;
    r.id = row.id;
    r.school_id = row.school;
    r.name = row.name;
    r.name_en = row.name_en;
    r.type = row.type;
    (row.type == ResourceType::kEquipment ? r.quantity : r.capacity) = row.size;
    r.features = SplitWords(row.features);
    r.opening_hours = OpeningHours(row.hours);
    r.buffer_minutes = row.buffer;
    r.parent_id = row.parent;
    r.policy = MakePolicy(row.policy);
    SS_RETURN_IF_ERROR(store_.PutResource(r, by));
    owner_of_[r.id] = r.school_id;
    resources_[r.id] = std::move(r);
    ++info_.resources;
  }
  return Status::Ok();
}

Status Seeder::WriteCalendar() {
  // Holidays from four months back to six months ahead.
  const CivilDate from = today_.AddDays(-120);
  const CivilDate to = today_.AddDays(180);
  std::vector<CalendarDay> days;
  auto add_holiday = [&](const CivilDate& first, int n, const char* name) {
    for (int i = 0; i < n; ++i) {
      const CivilDate d = first.AddDays(i);
      if (d < from || d > to) continue;
      CalendarDay day;
      day.date = d;
      day.kind = CalendarDayKind::kPublicHoliday;
      day.name = name;
      days.push_back(day);
    }
  };
  for (const HolidayRow& h : kHolidays) add_holiday({h.year, h.month, h.day}, h.days, h.name);
  for (int year = from.year; year <= to.year; ++year) {
    if (year >= kFirstTableYear && year <= kLastTableYear) continue;
    for (const HolidayRow& h : kStatutoryFixed) add_holiday({year, h.month, h.day}, h.days, h.name);
  }
  for (const MakeupRow& m : kMakeups) {
    const CivilDate d{m.year, m.month, m.day};
    if (d < from || d > to) continue;
    CalendarDay day;
    day.date = d;
    day.kind = CalendarDayKind::kMakeupWorkday;
    day.runs_weekday = m.runs_weekday;
    day.name = m.name;
    days.push_back(day);
  }
  auto taken = [&](const CivilDate& d) {
    return std::any_of(days.begin(), days.end(), [&](const CalendarDay& c) { return c.date == d; });
  };

  // The tour school's anniversary: a school holiday on a Monday, made up on the Saturday before, which
  // runs Monday's timetable (a 调休 day of the school's own).
  for (int week = 3; week <= 6; ++week) {
    const CivilDate monday = WeekDay(week, 1);
    const CivilDate saturday = monday.AddDays(-2);
    if (taken(monday) || taken(saturday)) continue;
    days.push_back({monday, CalendarDayKind::kSchoolHoliday, kTourSchool, 0, "校庆日"});
    days.push_back({saturday, CalendarDayKind::kMakeupWorkday, kTourSchool, 1, "校庆调休（上周一的课）"});
    break;
  }
  // 杨家坪中学's exam week, three weeks ahead (Monday to Thursday).
  const int month = WeekDay(3, 1).month;
  const char* exam = (month == 1 || month == 6 || month == 7 || month == 12)    ? "期末考试"
                     : (month == 4 || month == 5 || month == 10 || month == 11) ? "期中考试"
                                                                                : "月考";
  for (int wd = 1; wd <= 4; ++wd) {
    const CivilDate d = WeekDay(3, wd);
    if (!taken(d)) days.push_back({d, CalendarDayKind::kExam, "yjp", 0, exam});
  }

  for (const CalendarDay& d : days) SS_RETURN_IF_ERROR(store_.PutCalendarDay(d, kDistrictId, Actor::System()));
  calendar_ = DistrictCalendar(std::move(days));
  return Status::Ok();
}

Status Seeder::WriteBlackoutsAndAgreements() {
  struct BlackoutRow {
    const char* id;
    const char* resource;
    int week;
    int weekday;
    int start;
    int days;  // the blackout ends at `end` this many days later
    int end;
    BlackoutKind kind;
    const char* reason;
  };
  constexpr BlackoutRow kBlackouts[] = {
      {"demo-bo-yucai-gym", "yucai-gym", 1, 1, 0, 2, Hm(24, 0), BlackoutKind::kMaintenance, "体育馆木地板翻新"},
      {"demo-bo-yjp-auditorium", "yjp-auditorium", 2, 4, Hm(13, 0), 0, Hm(18, 0), BlackoutKind::kEvent,
       "区教育工作会议"},
      {"demo-bo-jxxy-hall", "jxxy-hall", -1, 5, Hm(9, 0), 0, Hm(17, 0), BlackoutKind::kMaintenance, "音响系统检修"},
  };
  for (const BlackoutRow& row : kBlackouts) {
    Blackout b;
    b.id = row.id;
    b.resource_id = row.resource;
    const CivilDate first = WeekDay(row.week, row.weekday);
    SS_ASSIGN_OR_RETURN(b.start, Local(first, row.start));
    SS_ASSIGN_OR_RETURN(b.end, Local(first.AddDays(row.days), row.end));
    b.kind = row.kind;
    b.reason = row.reason;
    SS_RETURN_IF_ERROR(store_.PutBlackout(b, Actor::System()));
    blackouts_.push_back(b);
  }

  struct AgreementRow {
    const char* id;
    const char* owner;
    const char* borrower;
    const char* resources;  // space-separated
    const char* weekdays;   // windows on these days ...
    int start;              // ... from start to end; "" weekdays: any time
    int end;
    int cap;
    bool auto_approve;
  };
  constexpr AgreementRow kAgreements[] = {
      {"demo-ag-xjw-hualiang", "xjw", "hualiang", "xjw-football xjw-football-a xjw-football-b", "24", Hm(16, 0),
       Hm(18, 0), 360, true},
      {"demo-ag-yucai-tianbao", "yucai", "tianbao", "yucai-physics yucai-chem yucai-bio yucai-microscopes", "", 0, 0,
       480, false},
      {"demo-ag-yjp-campus-c", "yjp", "yjp-c", "yjp-track yjp-gym", "135", Hm(16, 0), Hm(18, 0), 360, true},
  };
  for (const AgreementRow& row : kAgreements) {
    SharingAgreement a;
    a.id = row.id;
    a.owner_school_id = row.owner;
    a.borrower_school_id = row.borrower;
    a.resource_ids = SplitWords(row.resources);
    for (const char* c = row.weekdays; *c != '\0'; ++c) a.windows.push_back({*c - '0', row.start, row.end});
    a.weekly_cap_minutes = row.cap;
    a.auto_approve = row.auto_approve;
    a.valid_from = term_first_;
    a.valid_to = term_last_;
    SS_RETURN_IF_ERROR(store_.PutAgreement(a, Actor::System()));
  }
  return Status::Ok();
}

std::vector<std::string> Seeder::Related(const Resource& r) const {
  // The whole and the parts of a divisible venue conflict; two parts of one whole do not.
  std::vector<std::string> ids;
  for (const auto& [id, other] : resources_) {
    if (id == r.parent_id || other.parent_id == r.id) ids.push_back(id);
  }
  return ids;
}

bool Seeder::Free(const std::string& resource_id, Instant start, Instant end) const {
  const Resource& r = resources_.at(resource_id);
  std::vector<std::string> ids = Related(r);
  ids.push_back(r.id);
  for (const std::string& id : ids) {
    auto it = placed_.find(id);
    if (it == placed_.end()) continue;
    const Instant gap = std::max(r.buffer_minutes, resources_.at(id).buffer_minutes) * kMinute;
    for (const Placed& p : it->second) {
      if (Conflicts(start, end, p.start, p.end, gap)) return false;
    }
  }
  return true;
}

bool Seeder::Fits(const Resource& r, const std::string& borrower, Instant start, Instant end, int attendees) const {
  const std::string& owner = r.school_id;
  const LocalDateTime ls = tz_.ToLocal(start);
  const LocalDateTime le = tz_.ToLocal(end);
  for (CivilDate d = ls.date; d <= le.date; d = d.AddDays(1)) {
    if (calendar_.IsHoliday(d, owner)) return false;
    if (borrower != owner && calendar_.IsExamDay(d, owner)) return false;
  }
  if (!r.opening_hours.empty()) {
    if (le.date != ls.date) return false;
    const int weekday = calendar_.EffectiveWeekday(ls.date, owner);
    const int end_minute = ls.minute_of_day + static_cast<int>((end - start) / kMinute);
    const bool open = std::any_of(r.opening_hours.begin(), r.opening_hours.end(), [&](const WeeklyWindow& w) {
      return w.weekday == weekday && w.start_minute <= ls.minute_of_day && end_minute <= w.end_minute;
    });
    if (!open) return false;
  }
  for (const Blackout& b : blackouts_) {
    const bool concerns =
        b.resource_id == r.id || b.resource_id == r.parent_id || (b.resource_id.empty() && b.school_id == owner);
    if (concerns && start < b.end && b.start < end) return false;
  }
  if (r.capacity > 0 && attendees > r.capacity) return false;
  const int minutes = static_cast<int>((end - start) / kMinute);
  if (r.policy.max_duration_minutes > 0 && minutes > r.policy.max_duration_minutes) return false;
  if (r.policy.weekly_cap_minutes > 0 && borrower != owner) {
    auto it = week_minutes_.find({borrower, GroupOf(r), ls.date.MondayOfWeek().ToDays()});
    const int used = it == week_minutes_.end() ? 0 : it->second;
    if (used + minutes > r.policy.weekly_cap_minutes) return false;
  }
  return Free(r.id, start, end);
}

void Seeder::Place(const Resource& r, const std::string& borrower, Instant start, Instant end) {
  placed_[r.id].push_back({start, end});
  week_minutes_[{borrower, GroupOf(r), tz_.LocalDate(start).MondayOfWeek().ToDays()}] +=
      static_cast<int>((end - start) / kMinute);
}

Status Seeder::WriteSeries() {
  SS_ASSIGN_OR_RETURN(Instant created, Local(term_first_.AddDays(-7), Hm(9, 0)));
  for (const SeriesRow& row : kSeries) {
    const Resource& r = resources_.at(row.resource);
    SeriesRequest request;
    request.mode = SeriesRequest::Mode::kSkipConflicts;
    BookingSeries& s = request.series;
    s.id = NextUuid();
    s.resource_id = r.id;
    s.school_id = r.school_id;
    s.organizer = row.organizer;
    s.title = row.title;
    s.activity_type = row.activity;
    s.attendees = row.attendees;
    s.first_date = term_first_;
    s.last_date = term_last_;
    for (const char* c = row.weekdays; *c != '\0'; ++c) s.weekdays.push_back(*c - '0');
    s.start_minute = row.start;
    s.end_minute = row.end;
    // Exam days and blackouts of the venue are left out of the series from the start.
    for (CivilDate d = term_first_; d <= term_last_; d = d.AddDays(1)) {
      const int weekday = calendar_.EffectiveWeekday(d, r.school_id);
      if (std::find(s.weekdays.begin(), s.weekdays.end(), weekday) == s.weekdays.end()) continue;
      SS_ASSIGN_OR_RETURN(Instant start, Local(d, row.start));
      SS_ASSIGN_OR_RETURN(Instant end, Local(d, row.end));
      bool out = calendar_.IsExamDay(d, r.school_id);
      for (const Blackout& b : blackouts_) {
        if ((b.resource_id == r.id || b.resource_id == r.parent_id) && start < b.end && b.start < end) out = true;
      }
      if (out) s.exceptions.push_back(d);
    }
    s.created_by = ManagerOf(r.school_id).id;
    s.created_at = created;
    sim_.Set(created);
    CreateOptions options;
    options.with_alternatives = false;
    SS_ASSIGN_OR_RETURN(SeriesOutcome outcome, service_.CreateSeries(request, ManagerOf(r.school_id), options));
    for (const SeriesOccurrence& o : outcome.occurrences) {
      if (o.outcome.accepted) {
        Place(r, r.school_id, o.outcome.booking.start, o.outcome.booking.end);
      } else {
        Refused(std::string("series ") + row.resource + " \"" + row.title + "\" on " + o.date.ToString() + ": " +
                ViolationText(o.outcome.violations));
      }
    }
    if (outcome.occurrences.empty() && !outcome.accepted) {
      Refused(std::string("series ") + row.resource + " \"" + row.title + "\" was not written");
    }
  }
  return Status::Ok();
}

Status Seeder::ApproveAll(Booking* b, Instant at, Instant until, bool stop_before_district) {
  for (int step = 0; step < 3 && b->status == BookingStatus::kPending; ++step) {
    if (stop_before_district && b->stage == ApprovalStage::kDistrict) break;
    sim_.Set(std::min(at + step * 3 * kHour, until));
    const Actor who = b->stage == ApprovalStage::kDistrict ? DistrictAdmin() : ManagerOf(owner_of_.at(b->resource_id));
    SS_ASSIGN_OR_RETURN(BookingOutcome approved, service_.Approve(b->id, who));
    if (!approved.accepted) {
      Refused("approve " + b->resource_id + " \"" + b->title + "\": " + ViolationText(approved.violations));
      return Status::Ok();
    }
    *b = approved.booking;
  }
  return Status::Ok();
}

Result<std::string> Seeder::Book(const Resource& r, const std::string& borrower, Instant start, Instant end,
                                 const char* title, const char* activity, int attendees, int quantity, Fate fate,
                                 const char* note) {
  // Requested a few days ahead (as a real request would be), never after now, always inside the notice
  // and advance limits.
  Instant created = start - (3 + Rand(10)) * kDay - Rand(8) * kHour;
  created = std::min(created, now_ - (1 + Rand(48)) * kHour);
  if (r.policy.min_notice_minutes > 0) {
    created = std::min(created, start - r.policy.min_notice_minutes * kMinute - kHour);
  }
  if (r.policy.max_advance_days > 0) created = std::max(created, start - (r.policy.max_advance_days - 1) * kDay);
  created -= created % kMinute;

  BookingRequest request;
  request.id = NextUuid();
  request.resource_id = r.id;
  request.school_id = borrower;
  request.organizer = std::string("张王李刘陈杨黄赵周吴").substr(3 * static_cast<size_t>(Rand(10)), 3) + "老师";
  request.title = title;
  request.activity_type = activity;
  request.attendees = attendees;
  request.quantity = quantity;
  request.start = start;
  request.end = end;
  sim_.Set(created);
  CreateOptions options;
  options.with_alternatives = false;
  SS_ASSIGN_OR_RETURN(BookingOutcome outcome, service_.Create(request, ManagerOf(borrower), options));
  if (!outcome.accepted) {
    Refused(r.id + " \"" + title + "\" at " + tz_.FormatLocal(start) + " for " + borrower + ": " +
            ViolationText(outcome.violations));
    return std::string();
  }
  Place(r, borrower, start, end);
  Booking b = outcome.booking;
  // Decisions come a few hours after the request, before the booking starts and before now.
  const Instant decide = std::min({created + (2 + Rand(20)) * kHour, start - kHour, now_ - kMinute});
  const Instant until = std::min(start - kMinute, now_ - kMinute);
  switch (fate) {
    case Fate::kConfirmed:
    case Fate::kDamagedReturn:
    case Fate::kNotReturned:
      SS_RETURN_IF_ERROR(ApproveAll(&b, decide, until, false));
      break;
    case Fate::kPendingOwner:
      break;
    case Fate::kPendingDistrict:
      SS_RETURN_IF_ERROR(ApproveAll(&b, decide, until, true));
      break;
    case Fate::kRejected: {
      sim_.Set(decide);
      SS_ASSIGN_OR_RETURN(BookingOutcome rejected, service_.Reject(b.id, ManagerOf(r.school_id), note));
      if (!rejected.accepted) Refused("reject " + r.id + " \"" + title + "\": " + ViolationText(rejected.violations));
      break;
    }
    case Fate::kCancelled: {
      SS_RETURN_IF_ERROR(ApproveAll(&b, decide, until, false));
      sim_.Set(std::min(decide + 2 * kDay, until));
      SS_ASSIGN_OR_RETURN(BookingOutcome cancelled, service_.Cancel(b.id, ManagerOf(borrower), note));
      if (!cancelled.accepted) {
        Refused("cancel " + r.id + " \"" + title + "\": " + ViolationText(cancelled.violations));
      }
      placed_[r.id].pop_back();  // its slot is free again
      break;
    }
  }
  if (fate == Fate::kDamagedReturn) special_[b.id] = Special::kDamagedReturn;
  if (fate == Fate::kNotReturned) special_[b.id] = Special::kNotReturned;
  return b.id;
}

Status Seeder::WriteOneOffs() {
  for (const OneOffRow& row : kOneOffs) {
    const Resource& r = resources_.at(row.resource);
    // Move a week further from now (past ones earlier, future ones later) until the slot fits.
    const int step = row.week < 0 ? -1 : 1;
    bool booked = false;
    for (int tries = 0, week = row.week; tries < 4 && !booked; ++tries, week += step) {
      const CivilDate first = WeekDay(week, row.weekday);
      SS_ASSIGN_OR_RETURN(Instant start, Local(first, row.start));
      SS_ASSIGN_OR_RETURN(Instant end, Local(first.AddDays(row.end_days), row.end));
      if ((row.week < 0 && end >= now_) || (row.week > 0 && start <= now_ + kDay)) continue;
      if (!Fits(r, row.borrower, start, end, row.attendees)) continue;
      SS_ASSIGN_OR_RETURN(std::string id, Book(r, row.borrower, start, end, row.title, row.activity, row.attendees,
                                               row.quantity, row.fate, row.note));
      booked = true;
    }
  }
  return Status::Ok();
}

Status Seeder::WritePatterns() {
  for (int week = -4; week <= 4; ++week) {
    for (const PatternRow& row : kPatterns) {
      if (row.every > 1 && (week + 100) % row.every != row.phase) continue;
      const Resource& r = resources_.at(row.resource);
      const CivilDate day = WeekDay(week, row.weekday);
      SS_ASSIGN_OR_RETURN(Instant start, Local(day, row.start));
      SS_ASSIGN_OR_RETURN(Instant end, Local(day, row.end));
      if (!Fits(r, row.borrower, start, end, row.attendees)) continue;
      // Past and imminent ones were all decided; of the later ones about a third still wait for the owner.
      const Fate fate = start < now_ + 3 * kDay || Rand(3) != 0 ? Fate::kConfirmed : Fate::kPendingOwner;
      SS_ASSIGN_OR_RETURN(std::string id, Book(r, row.borrower, start, end, row.title, row.activity, row.attendees,
                                               row.quantity, fate, ""));
      if (!id.empty() && start <= now_ && now_ < end) special_[id] = Special::kOnTime;  // the group is here now
    }
  }
  return Status::Ok();
}

Status Seeder::WriteToday() {
  // Two bookings of the tour school's own around now: one in progress (checked in), one next. Late at
  // night they are this evening's (both done); early in the morning they come later today.
  const LocalDateTime local = tz_.ToLocal(now_);
  const int m = local.minute_of_day - local.minute_of_day % 5;
  int first = m - 15;
  if (first < Hm(7, 15)) first = Hm(7, 30);
  if (first > Hm(20, 15)) first = Hm(19, 0);
  const int slots[2][2] = {{first, first + 45}, {first + 60, first + 105}};
  const Instant created = now_ - 2 * kDay;
  const Actor owner = ManagerOf(kTourSchool);
  for (int slot = 0; slot < 2; ++slot) {
    SS_ASSIGN_OR_RETURN(Instant start, Local(today_, slots[slot][0]));
    SS_ASSIGN_OR_RETURN(Instant end, Local(today_, slots[slot][1]));
    for (const TodayRow& row : kToday) {
      if (!Free(row.resource, start, end)) continue;
      BookingRequest request;
      request.id = NextUuid();
      request.resource_id = row.resource;
      request.school_id = kTourSchool;
      request.organizer = row.organizer;
      request.title = row.titles[slot];
      request.activity_type = row.activity;
      request.attendees = row.attendees;
      request.start = start;
      request.end = end;
      sim_.Set(created);
      CreateOptions options;
      options.with_alternatives = false;
      options.dry_run = true;
      SS_ASSIGN_OR_RETURN(BookingOutcome probe, service_.Create(request, owner, options));
      if (!probe.accepted) continue;
      options.dry_run = false;
      SS_ASSIGN_OR_RETURN(BookingOutcome outcome, service_.Create(request, owner, options));
      if (!outcome.accepted) {
        Refused(std::string("today ") + row.resource + ": " + ViolationText(outcome.violations));
        continue;
      }
      Place(resources_.at(row.resource), kTourSchool, start, end);
      special_[outcome.booking.id] = Special::kOnTime;
      break;
    }
  }
  return Status::Ok();
}

Status Seeder::AddFact(FactKind kind, const Booking* b, const std::string& resource_id, const std::string& school_id,
                       Instant at, int quantity, const std::string& condition, const std::string& note) {
  if (at > now_) return Status::Ok();  // has not happened yet
  UsageFact f;
  f.id = NextUuid();
  f.kind = kind;
  if (b != nullptr) f.booking_id = b->id;
  f.resource_id = resource_id;
  f.school_id = school_id;
  f.at = at;
  f.quantity = quantity;
  f.condition = condition;
  f.note = note;
  if (kind == FactKind::kReturn && b != nullptr) f.returned_by = b->organizer;  // the group brings it back
  f.recorded_by = "kiosk-" + owner_of_.at(resource_id);
  f.received_at = std::min(now_, at + 1 + Rand(90));
  SS_RETURN_IF_ERROR(store_.InsertFact(f, Actor{f.recorded_by, Role::kKiosk, owner_of_.at(resource_id)}));
  ++info_.facts;
  return Status::Ok();
}

Status Seeder::WriteFacts() {
  BookingFilter filter;
  SS_ASSIGN_OR_RETURN(filter.from, Local(term_first_, 0));
  filter.to = now_;
  filter.statuses = {BookingStatus::kConfirmed};
  SS_ASSIGN_OR_RETURN(std::vector<Booking> bookings, store_.ListBookings(filter));
  std::sort(bookings.begin(), bookings.end(), [](const Booking& a, const Booking& b) {
    return std::tie(a.start, a.resource_id, a.school_id) < std::tie(b.start, b.resource_id, b.school_id);
  });
  for (const Booking& b : bookings) {
    if (b.start >= now_) continue;
    const Resource& r = resources_.at(b.resource_id);
    const auto it = special_.find(b.id);
    const Special special = it == special_.end() ? Special::kNone : it->second;
    const Instant seconds = Rand(60);
    if (r.is_equipment()) {
      SS_RETURN_IF_ERROR(AddFact(FactKind::kHandOut, &b, r.id, b.school_id, b.start - Rand(10) * kMinute - seconds,
                                 b.quantity, "", ""));
      if (special == Special::kNotReturned) continue;  // overdue
      const Instant back = b.end - Rand(30) * kMinute - seconds;
      if (special == Special::kDamagedReturn && b.quantity > 1) {
        SS_RETURN_IF_ERROR(AddFact(FactKind::kReturn, &b, r.id, b.school_id, back, b.quantity - 1, "fine", ""));
        SS_RETURN_IF_ERROR(
            AddFact(FactKind::kReturn, &b, r.id, b.school_id, back + kMinute, 1, "damaged", "一台螺旋桨断裂，需维修"));
      } else {
        SS_RETURN_IF_ERROR(AddFact(FactKind::kReturn, &b, r.id, b.school_id, back, b.quantity, "fine", ""));
      }
      continue;
    }
    // Venues: own timetabled use is nearly always on time; borrowers are less regular.
    const bool own = b.school_id == r.school_id;
    const int roll = special == Special::kOnTime ? 0 : Rand(100);
    const int on_time = own ? 92 : 75, late = own ? 96 : 85, no_show = own ? 98 : 93;
    if (roll >= late && roll < no_show) continue;  // no-show: nobody came, no facts
    Instant in = b.start - Rand(8) * kMinute - seconds;
    Instant out = b.end - Rand(6) * kMinute - seconds;
    if (roll >= on_time && roll < late) in = b.start + (20 + Rand(11)) * kMinute + seconds;  // late
    if (roll >= no_show) out = b.end + (15 + Rand(21)) * kMinute + seconds;                  // overran
    if (special == Special::kOnTime) in = std::min(b.start + 2 * kMinute, now_);
    SS_RETURN_IF_ERROR(AddFact(FactKind::kCheckIn, &b, r.id, b.school_id, in));
    SS_RETURN_IF_ERROR(AddFact(FactKind::kCheckOut, &b, r.id, b.school_id, out));
  }
  return Status::Ok();
}

Status Seeder::WriteWalkIns() {
  for (const WalkInRow& row : kWalkIns) {
    for (int tries = 0, week = row.week; tries < 4; ++tries, --week) {
      SS_ASSIGN_OR_RETURN(Instant at, Local(WeekDay(week, row.weekday), row.minute));
      if (at + kHour > now_ || !Free(row.resource, at, at + 45 * kMinute)) continue;
      SS_RETURN_IF_ERROR(AddFact(FactKind::kWalkIn, nullptr, row.resource, row.school, at + Rand(60), 0, "", row.note));
      break;
    }
  }
  return Status::Ok();
}

Result<DemoInfo> Seeder::Run() {
  if (store_.GetDistrict(kDistrictId).ok()) {
    return Status::AlreadyExists("demo: district jlp already exists; seed the demo into an empty database");
  }
  info_.district_id = kDistrictId;
  info_.tour_school_id = kTourSchool;
  info_.tour_resource_id = kTourResource;
  today_ = tz_.LocalDate(now_);
  week0_ = today_.MondayOfWeek();
  term_first_ = week0_.AddDays(-42);  // a term of fifteen weeks around now
  term_last_ = week0_.AddDays(7 * 9 - 1);
  SS_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    SS_RETURN_IF_ERROR(WriteCatalogue());
    SS_RETURN_IF_ERROR(WriteCalendar());
    SS_RETURN_IF_ERROR(WriteBlackoutsAndAgreements());
    SS_RETURN_IF_ERROR(WriteSeries());
    SS_RETURN_IF_ERROR(WriteOneOffs());
    SS_RETURN_IF_ERROR(WritePatterns());
    SS_RETURN_IF_ERROR(WriteToday());
    SS_RETURN_IF_ERROR(WriteFacts());
    SS_RETURN_IF_ERROR(WriteWalkIns());
    SS_ASSIGN_OR_RETURN(std::vector<Booking> all, store_.ListBookings({}));
    info_.bookings = static_cast<int>(std::count_if(all.begin(), all.end(), [&](const Booking& b) {
      return resources_.count(b.resource_id) > 0;  // the store may hold other districts too
    }));
    return Status::Ok();
  }));
  return info_;
}

}  // namespace

Result<DemoInfo> SeedDemoDistrict(Store& store, const Clock& clock) {
  SS_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Find("Asia/Shanghai"));
  Seeder seeder(store, clock.Now(), std::move(tz));
  return seeder.Run();
}

}  // namespace schoolshare
