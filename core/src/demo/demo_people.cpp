#include "demo/demo_people.h"

#include <array>

namespace schoolshare::demo {
namespace {

struct Syllable {
  const char* zh;
  const char* en;
};

// clang-format off
constexpr std::array<Syllable, 20> kSurnames = {{
    {"王", "Wang"}, {"李", "Li"}, {"张", "Zhang"}, {"刘", "Liu"}, {"陈", "Chen"}, {"杨", "Yang"}, {"黄", "Huang"},
    {"赵", "Zhao"}, {"吴", "Wu"}, {"周", "Zhou"}, {"徐", "Xu"}, {"孙", "Sun"}, {"马", "Ma"}, {"朱", "Zhu"},
    {"胡", "Hu"}, {"郭", "Guo"}, {"何", "He"}, {"罗", "Luo"}, {"谢", "Xie"}, {"唐", "Tang"}}};
constexpr std::array<Syllable, 19> kGivenNames = {{
    {"芳", "Fang"}, {"娜", "Na"}, {"伟", "Wei"}, {"敏", "Min"}, {"静", "Jing"}, {"磊", "Lei"}, {"洋", "Yang"},
    {"艳", "Yan"}, {"勇", "Yong"}, {"军", "Jun"}, {"杰", "Jie"}, {"娟", "Juan"}, {"涛", "Tao"}, {"明", "Ming"},
    {"超", "Chao"}, {"霞", "Xia"}, {"平", "Ping"}, {"刚", "Gang"}, {"丽", "Li"}}};
// clang-format on

// The shape of every school's team: who a kiosk lists as organizers.
constexpr std::array<const char*, 7> kRoles = {"facility_manager", "pe_teacher", "pe_teacher",    "teacher",
                                               "teacher",          "teacher",    "lab_technician"};

constexpr std::array<const char*, 13> kGradeNames = {"",       "一年级", "二年级", "三年级", "四年级",
                                                     "五年级", "六年级", "七年级", "八年级", "九年级",
                                                     "高一",   "高二",   "高三"};

bool IsPrimary(const School& s) { return !s.periods.empty() && s.periods.front().start_minute >= 8 * 60; }

}  // namespace

std::vector<StaffMember> DemoStaff(const School& school, int index) {
  std::vector<StaffMember> out;
  if (school.periods.empty()) return out;  // partner institutions: the facility office books for them
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    const int n = index * static_cast<int>(kRoles.size()) + static_cast<int>(i);
    const Syllable& surname = kSurnames[static_cast<std::size_t>(n) % kSurnames.size()];
    // 19 given names against 20 surnames: the pairs only repeat after 380 people.
    const Syllable& given = kGivenNames[static_cast<std::size_t>(n) % kGivenNames.size()];
    StaffMember m;
    m.id = school.id + "-staff-" + std::to_string(i + 1);
    m.school_id = school.id;
    m.name = std::string(surname.zh) + given.zh;
    m.name_en = std::string(surname.en) + " " + given.en;
    m.role = kRoles[i];
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<SchoolClass> DemoClasses(const School& school) {
  std::vector<SchoolClass> out;
  if (school.periods.empty()) return out;
  const bool primary = IsPrimary(school);
  const int first_grade = primary ? 1 : 7;
  const int last_grade = primary ? 6 : 9;
  const int per_grade = primary ? 2 : 3;
  int k = 0;
  for (int grade = first_grade; grade <= last_grade; ++grade) {
    for (int c = 1; c <= per_grade; ++c, ++k) {
      SchoolClass sc;
      sc.id = school.id + "-g" + std::to_string(grade) + "-" + std::to_string(c);
      sc.school_id = school.id;
      sc.name = std::string(kGradeNames[static_cast<std::size_t>(grade)]) + "(" + std::to_string(c) + ")班";
      sc.name_en = "Grade " + std::to_string(grade) + " Class " + std::to_string(c);
      sc.grade = grade;
      sc.students = 40 + (k * 3) % 8;
      for (int weekday = 1; weekday <= 5; ++weekday) {
        for (const ClassPeriod& p : school.periods) {
          const bool afternoon = p.start_minute >= 12 * 60;
          if (weekday == 3 && afternoon) continue;         // the teaching-research afternoon
          if ((p.index + weekday + k) % 4 == 0) continue;  // a free period (自习 or activity)
          sc.lessons.push_back({weekday, p.start_minute, p.end_minute});
        }
      }
      out.push_back(std::move(sc));
    }
  }
  return out;
}

}  // namespace schoolshare::demo
