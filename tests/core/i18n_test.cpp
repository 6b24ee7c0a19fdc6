// Messages: every rule renders a full sentence in zh-CN and en from the params the rules produce, enum
// words have labels, missing keys show the key, and the language comes from the environment.
#include "schoolshare/i18n.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schoolshare/outcome_json.h"

namespace schoolshare {
namespace {

TimeZone Shanghai() { return *TimeZone::Find("Asia/Shanghai"); }

Instant T(const std::string& local) { return *Shanghai().Parse(local); }

std::vector<Rule> AllRules() {
  std::vector<Rule> out;
  for (int i = 0; std::string(RuleName(static_cast<Rule>(i))) != "unknown"; ++i) out.push_back(static_cast<Rule>(i));
  return out;
}

// Real violations from CheckBooking over several scenarios, so the messages are tested against the
// params the rules actually produce.
std::vector<Violation> ViolationsFromRules() {
  const TimeZone tz = Shanghai();
  School owner;
  owner.id = "own";
  Resource hall;
  hall.id = "hall";
  hall.school_id = "own";
  hall.name = "报告厅";
  hall.name_en = "Lecture hall";
  hall.type = ResourceType::kHall;
  hall.capacity = 10;
  hall.buffer_minutes = 10;
  hall.opening_hours = {{1, 8 * 60, 18 * 60}, {2, 8 * 60, 18 * 60}, {3, 8 * 60, 18 * 60}};
  hall.policy.min_notice_minutes = 10 * 24 * 60;
  hall.policy.max_duration_minutes = 60;
  hall.policy.weekly_cap_minutes = 60;
  Resource proj;
  proj.id = "proj";
  proj.school_id = "own";
  proj.name = "投影仪";
  proj.type = ResourceType::kEquipment;
  proj.quantity = 2;

  CalendarDay exam{{2026, 11, 23}, CalendarDayKind::kExam, "own", 0, "期中考试"};
  CalendarDay unnamed_exam{{2026, 11, 25}, CalendarDayKind::kExam, "own", 0, ""};
  CalendarDay holiday{{2026, 11, 24}, CalendarDayKind::kSchoolHoliday, "own", 0, "校运会"};
  CalendarDay unnamed_holiday{{2026, 11, 26}, CalendarDayKind::kPublicHoliday, "", 0, ""};
  const DistrictCalendar calendar({exam, unnamed_exam, holiday, unnamed_holiday});

  std::vector<Violation> out;
  auto run = [&](const Resource& res, Booking b, std::vector<Booking> nearby, auto&& tweak) {
    RuleInput in;
    in.resource = &res;
    in.owner = &owner;
    b.resource_id = res.id;
    if (b.id.empty()) b.id = "cand";
    in.candidate = b;
    for (Booking& n : nearby) {
      if (n.resource_id.empty()) n.resource_id = res.id;
    }
    in.nearby = std::move(nearby);
    in.calendar = &calendar;
    in.tz = &tz;
    in.now = T("2026-11-20 08:00");
    tweak(in);
    const Verdict v = CheckBooking(in);
    out.insert(out.end(), v.violations.begin(), v.violations.end());
  };
  auto none = [](RuleInput&) {};
  Booking b;
  b.school_id = "other";
  b.attendees = 20;
  b.start = T("2026-11-23 17:00");
  b.end = T("2026-11-23 19:00");
  Booking other_booking = b;
  other_booking.id = "x";
  other_booking.school_id = "own";
  other_booking.status = BookingStatus::kConfirmed;
  // Many rules at once, on a Monday exam day.
  run(hall, b, {other_booking}, [&](RuleInput& in) {
    Blackout bo;
    bo.start = T("2026-11-23 18:00");
    bo.end = T("2026-11-23 20:00");
    bo.kind = BlackoutKind::kEvent;
    bo.reason = "校庆演出";
    in.blackouts = {bo};
    SharingAgreement ag;
    ag.id = "ag1";
    ag.weekly_cap_minutes = 60;
    in.agreements = {ag};
    in.period_locked = true;
  });
  Resource off = hall;
  off.active = false;
  off.policy.shared = false;
  off.buffer_minutes = 0;
  // Holiday, unnamed holiday, plain closed day, unnamed exam; blackout without a reason; overlap without buffer.
  for (const char* day : {"2026-11-24", "2026-11-26", "2026-11-29", "2026-11-25"}) {
    Booking c = b;
    c.start = T(std::string(day) + " 09:00");
    c.end = T(std::string(day) + " 10:00");
    Booking o = other_booking;
    o.start = c.start;
    o.end = c.end;
    run(off, c, {o}, [&](RuleInput& in) {
      Blackout bo;
      bo.start = c.start;
      bo.end = c.end;
      in.blackouts = {bo};
    });
  }
  // The past, then too far ahead.
  Booking past = b;
  past.start = T("2026-11-19 09:00");
  past.end = T("2026-11-19 10:00");
  run(hall, past, {}, none);
  Resource far_hall = hall;
  far_hall.policy.max_advance_days = 30;
  Booking far = b;
  far.start = T("2027-03-01 09:00");
  far.end = T("2027-03-01 10:00");
  run(far_hall, far, {}, none);
  // An invalid interval.
  Booking bad = b;
  bad.end = bad.start;
  run(hall, bad, {}, none);
  // Equipment: quantity, then stock.
  Booking q = b;
  q.school_id = "own";
  q.quantity = 0;
  run(proj, q, {}, none);
  q.quantity = 2;
  Booking held = q;
  held.id = "h";
  held.quantity = 1;
  held.status = BookingStatus::kPending;
  held.resource_id = "proj";
  run(proj, q, {held}, none);
  // Rules raised by the booking service, with the params it passes.
  out.push_back(Violation{Rule::kPermission, {}, {}});
  out.push_back(Violation{Rule::kNotPending, {}, {{"status", "confirmed"}, {"code", "ABC234"}}});
  out.push_back(Violation{Rule::kAlreadyStarted, {}, {{"start", "2026-11-23 08:00"}, {"code", "ABC234"}}});
  out.push_back(Violation{Rule::kStaleVersion, {}, {{"code", "ABC234"}, {"version", "3"}}});
  return out;
}

bool HasNonAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

TEST(I18nTest, EveryRuleHasFullSentencesInBothLanguages) {
  const std::vector<Violation> violations = ViolationsFromRules();
  std::set<Rule> seen;
  for (const Violation& v : violations) {
    seen.insert(v.rule);
    for (Lang lang : {Lang::kZh, Lang::kEn}) {
      const std::string text = DescribeViolation(lang, v);
      SCOPED_TRACE(std::string(RuleName(v.rule)) + " " + LangTag(lang) + ": " + text);
      EXPECT_FALSE(text.empty());
      EXPECT_EQ(text.find('{'), std::string::npos);
      EXPECT_EQ(text.find('}'), std::string::npos);
      EXPECT_NE(text, "rule." + std::string(RuleName(v.rule)));  // the key itself: no entry
      const std::string title = Tr(lang, "rule." + std::string(RuleName(v.rule)) + ".title");
      EXPECT_NE(text, title) << "fell back to the short label: a param is missing";
      if (lang == Lang::kZh) {
        EXPECT_TRUE(HasNonAscii(text));
      }
    }
  }
  for (Rule r : AllRules()) EXPECT_TRUE(seen.count(r)) << "no scenario produced " << RuleName(r);
}

TEST(I18nTest, EveryRuleHasATitle) {
  for (Rule r : AllRules()) {
    for (Lang lang : {Lang::kZh, Lang::kEn}) {
      const std::string key = "rule." + std::string(RuleName(r)) + ".title";
      const std::string title = Tr(lang, key);
      EXPECT_NE(title, key);
      EXPECT_EQ(title.find('{'), std::string::npos) << key;
      // A violation built without its params still reads as a sentence-less label, never "{limit}".
      const std::string bare = DescribeViolation(lang, Violation{r, {}, {}});
      EXPECT_EQ(bare.find('{'), std::string::npos) << key << ": " << bare;
    }
  }
}

TEST(I18nTest, SampleSentences) {
  Violation v{Rule::kMinNotice, {}, {{"limit", "120"}, {"actual", "45"}}};
  EXPECT_EQ(DescribeViolation(Lang::kZh, v), "需提前2小时预约：现在距开始只有45分钟。");
  EXPECT_EQ(DescribeViolation(Lang::kEn, v), "Book at least 2 hours ahead: the start is only 45 minutes away.");
  v.params = {{"limit", "1440"}, {"actual", "1439"}};
  EXPECT_EQ(DescribeViolation(Lang::kZh, v), "需提前1天预约：现在距开始只有23小时59分钟。");
  EXPECT_EQ(DescribeViolation(Lang::kEn, v), "Book at least 1 day ahead: the start is only 23 hours 59 minutes away.");
  v.params = {{"limit", "30"}, {"actual", "1"}};
  EXPECT_EQ(DescribeViolation(Lang::kZh, v), "需提前30分钟预约：现在距开始只有1分钟。");
  EXPECT_EQ(DescribeViolation(Lang::kEn, v), "Book at least 30 minutes ahead: the start is only 1 minute away.");
  Violation o{Rule::kOverlap,
              {"x"},
              {{"resource", "报告厅"},
               {"resource_en", "Lecture hall"},
               {"count", "1"},
               {"from", "2026-11-23 09:00"},
               {"until", "2026-11-23 10:00"},
               {"buffer", "0"}}};
  EXPECT_EQ(DescribeViolation(Lang::kZh, o),
            "与已有预订冲突：报告厅在 2026-11-23 09:00 至 2026-11-23 10:00 已有 1 条预订。");
  EXPECT_EQ(DescribeViolation(Lang::kEn, o),
            "Conflicts with existing bookings: Lecture hall already has 1 booking(s) between 2026-11-23 09:00 and "
            "2026-11-23 10:00.");
  Violation h{Rule::kOpeningHours,
              {},
              {{"resource", "报告厅"}, {"date", "2026-10-01"}, {"opening", ""}, {"holiday", "public_holiday"}}};
  EXPECT_EQ(DescribeViolation(Lang::kZh, h), "超出开放时间：2026-10-01 是法定节假日，报告厅不开放。");
  Violation hp{Rule::kHomeOnly, {}, {{"resource", "报告厅"}}};
  EXPECT_EQ(DescribeViolation(Lang::kZh, hp), "该场地仅限本校使用：报告厅不对外校开放。");
  Violation w{Rule::kWeeklyCap, {}, {{"limit", "240"}, {"used", "200"}, {"requested", "60"}}};
  EXPECT_NE(DescribeViolation(Lang::kZh, w).find("本周借用时长已达上限"), std::string::npos);
}

TEST(I18nTest, TrReplacesPlaceholdersAndShowsMissingKeys) {
  EXPECT_EQ(Tr(Lang::kZh, "no.such.key"), "no.such.key");
  EXPECT_EQ(Tr(Lang::kEn, "no.such.key", {{"x", "y"}}), "no.such.key");
  EXPECT_EQ(Tr(Lang::kZh, "unit.minutes", {{"n", "90"}}), "90 分钟");
  EXPECT_EQ(Tr(Lang::kEn, "unit.minutes", {{"n", "90"}}), "90 min");
  EXPECT_EQ(Tr(Lang::kEn, "unit.minutes"), "{n} min");  // a missing param stays visible
  EXPECT_EQ(Tr(Lang::kZh, "common.cancel"), "取消");
  EXPECT_EQ(Tr(Lang::kEn, "common.cancel"), "Cancel");
  EXPECT_EQ(Tr(Lang::kZh, "msg.not_found", {{"what", "预订"}, {"id", "b1"}}), "未找到预订：b1");
}

TEST(I18nTest, EnumWordsHaveLabels) {
  std::vector<std::string> keys;
  for (auto v :
       {ResourceType::kField, ResourceType::kHall, ResourceType::kLab, ResourceType::kRoom, ResourceType::kEquipment}) {
    keys.push_back(std::string("resource_type.") + ToString(v));
  }
  for (auto v :
       {BookingStatus::kPending, BookingStatus::kConfirmed, BookingStatus::kRejected, BookingStatus::kCancelled}) {
    keys.push_back(std::string("booking_status.") + ToString(v));
  }
  for (auto v : {Role::kDistrictAdmin, Role::kSchoolManager, Role::kKiosk, Role::kAuditor, Role::kFeed}) {
    keys.push_back(std::string("role.") + ToString(v));
  }
  for (auto v : {FactKind::kCheckIn, FactKind::kCheckOut, FactKind::kWalkIn, FactKind::kHandOut, FactKind::kReturn}) {
    keys.push_back(std::string("fact_kind.") + ToString(v));
  }
  for (auto v : {BlackoutKind::kMaintenance, BlackoutKind::kExam, BlackoutKind::kEvent, BlackoutKind::kOther}) {
    keys.push_back(std::string("blackout_kind.") + ToString(v));
  }
  for (auto v : {CalendarDayKind::kPublicHoliday, CalendarDayKind::kSchoolHoliday, CalendarDayKind::kExam,
                 CalendarDayKind::kMakeupWorkday}) {
    keys.push_back(std::string("calendar_day_kind.") + ToString(v));
  }
  for (auto v : {SchoolKind::kCore, SchoolKind::kMember, SchoolKind::kPartner}) {
    keys.push_back(std::string("school_kind.") + ToString(v));
  }
  for (auto v : {ApprovalMode::kNone, ApprovalMode::kOwner, ApprovalMode::kOwnerThenDistrict}) {
    keys.push_back(std::string("approval_mode.") + ToString(v));
  }
  for (auto v : {ApprovalStage::kNone, ApprovalStage::kOwner, ApprovalStage::kDistrict}) {
    keys.push_back(std::string("approval_stage.") + ToString(v));
  }
  for (auto v : {PeriodStatus::kOpen, PeriodStatus::kSignedOff})
    keys.push_back(std::string("period_status.") + ToString(v));
  for (int d = 1; d <= 7; ++d) keys.push_back("weekday." + std::to_string(d));
  for (int c = 0; c <= static_cast<int>(StatusCode::kUnavailable); ++c) {
    keys.push_back(std::string("status.") + StatusCodeName(static_cast<StatusCode>(c)));
  }
  for (const std::string& key : keys) {
    EXPECT_NE(Tr(Lang::kZh, key), key);
    EXPECT_NE(Tr(Lang::kEn, key), key);
    EXPECT_TRUE(HasNonAscii(Tr(Lang::kZh, key))) << key;
  }
}

TEST(I18nTest, ParseLangAndTag) {
  struct Case {
    const char* text;
    Lang lang;
  };
  const Case cases[] = {{"zh-CN", Lang::kZh}, {"zh", Lang::kZh},          {"zh_CN.UTF-8", Lang::kZh},
                        {"en", Lang::kEn},    {"en-US", Lang::kEn},       {"en_GB.UTF-8", Lang::kEn},
                        {"EN", Lang::kEn},    {"fr_FR.UTF-8", Lang::kZh}, {"", Lang::kZh},
                        {"C", Lang::kZh}};
  for (const Case& c : cases) EXPECT_EQ(ParseLang(c.text), c.lang) << c.text;
  EXPECT_STREQ(LangTag(Lang::kZh), "zh-CN");
  EXPECT_STREQ(LangTag(Lang::kEn), "en");
}

// Sets and restores environment variables for one test.
class EnvGuard {
 public:
  explicit EnvGuard(std::vector<std::string> names) : names_(std::move(names)) {
    for (const std::string& n : names_) {
      const char* v = std::getenv(n.c_str());
      saved_.push_back(v ? std::optional<std::string>(v) : std::nullopt);
    }
  }
  ~EnvGuard() {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (saved_[i]) {
        setenv(names_[i].c_str(), saved_[i]->c_str(), 1);
      } else {
        unsetenv(names_[i].c_str());
      }
    }
  }
  void Set(const char* name, const char* value) {
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::optional<std::string>> saved_;
};

TEST(I18nTest, LangFromEnvironment) {
  EnvGuard env({"SCHOOLSHARE_LANG", "LANG"});
  struct Case {
    const char* schoolshare_lang;
    const char* lang;
    Lang expected;
  };
  const Case cases[] = {
      {nullptr, nullptr, Lang::kZh},       {nullptr, "en_US.UTF-8", Lang::kEn},
      {nullptr, "zh_CN.UTF-8", Lang::kZh}, {"en", "zh_CN.UTF-8", Lang::kEn},
      {"zh-CN", "en_US.UTF-8", Lang::kZh}, {"", "en_US.UTF-8", Lang::kEn},  // empty counts as unset
      {nullptr, "C.UTF-8", Lang::kZh},
  };
  for (const Case& c : cases) {
    env.Set("SCHOOLSHARE_LANG", c.schoolshare_lang);
    env.Set("LANG", c.lang);
    EXPECT_EQ(LangFromEnvironment(), c.expected)
        << (c.schoolshare_lang ? c.schoolshare_lang : "(unset)") << " / " << (c.lang ? c.lang : "(unset)");
  }
}

TEST(I18nTest, StatusGetsTheHeadlineOfItsCodeInTheReadersLanguage) {
  const Status locked = Status::Locked("period 2026-10 of a is signed off");
  EXPECT_EQ(DescribeStatus(Lang::kZh, locked), "已锁定：period 2026-10 of a is signed off");
  EXPECT_EQ(DescribeStatus(Lang::kEn, locked), "Locked: period 2026-10 of a is signed off");
  EXPECT_EQ(DescribeStatus(Lang::kZh, Status::Unavailable("")), "服务繁忙，请稍后重试");
  EXPECT_EQ(DescribeStatus(Lang::kZh, Status::Ok()), "");
}

TEST(I18nTest, ARefusalIsRewordedFromItsRulesInTheReadersLanguage) {
  // The server answered in English; a reader of zh-CN gets each rule's sentence in Chinese from its params.
  Violation locked;
  locked.rule = Rule::kPeriodLocked;
  locked.params = {{"month", "2026-10"}};
  Violation permission;
  permission.rule = Rule::kPermission;
  const Json result = {{"status", "rejected"},
                       {"error", "period_locked"},
                       {"message", DescribeViolation(Lang::kEn, locked)},
                       {"violations", {ToJson(locked, Lang::kEn), ToJson(permission, Lang::kEn)}}};
  EXPECT_EQ(DescribeRefusal(Lang::kZh, result),
            DescribeViolation(Lang::kZh, locked) + "\n" + DescribeViolation(Lang::kZh, permission));
  EXPECT_NE(DescribeRefusal(Lang::kZh, result).find("2026-10"), std::string::npos);
  EXPECT_EQ(DescribeRefusal(Lang::kEn, result),
            DescribeViolation(Lang::kEn, locked) + "\n" + DescribeViolation(Lang::kEn, permission));
}

TEST(I18nTest, ARefusalWithoutRulesGetsTheHeadlineOfItsErrorWord) {
  EXPECT_EQ(DescribeRefusal(Lang::kZh, Json{{"error", "forbidden"}, {"message", "school b is outside the scope"}}),
            "超出此令牌的权限范围：school b is outside the scope");
  EXPECT_EQ(DescribeRefusal(Lang::kEn, Json{{"error", "forbidden"}, {"message", "school b is outside the scope"}}),
            "Outside this token's scope: school b is outside the scope");
  // A rule word without its params: the rule's title.
  EXPECT_EQ(DescribeRefusal(Lang::kZh, Json{{"error", "stale_version"}, {"message", "x"}}), "已被他人修改：x");
  // A word this client does not know, a body that is not an object: still a sentence, never a crash.
  EXPECT_EQ(DescribeRefusal(Lang::kZh, Json{{"error", "brand_new_word"}, {"message", "y"}}), "服务器未接受：y");
  EXPECT_EQ(DescribeRefusal(Lang::kEn, Json::array()), "Refused by the server");
  EXPECT_EQ(DescribeRefusal(Lang::kZh, Json{{"violations", {{{"rule", 7}}, "junk"}}, {"error", "overlap"}}),
            "时间冲突");

  AttentionItem item;  // its stored result is damaged: the error and message kept beside it speak
  item.result = "{not json";
  item.error = "not_found";
  item.message = "booking b-1";
  EXPECT_EQ(DescribeRefusal(Lang::kZh, item), "未找到：booking b-1");
}

}  // namespace
}  // namespace schoolshare
