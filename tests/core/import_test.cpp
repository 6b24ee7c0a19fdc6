#include "schoolshare/import.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "forwarding_store.h"
#include "schoolshare/csv.h"
#include "schoolshare/store.h"
#include "testutil.h"

namespace schoolshare {
namespace {

std::string Describe(const ImportReport& report) {
  std::string out = "rows=" + std::to_string(report.rows) + " imported=" + std::to_string(report.imported);
  for (const ImportError& e : report.errors) {
    out += "\n  line " + std::to_string(e.line) + " [" + e.column + "] " + e.reason;
  }
  return out;
}

// Each test has its own SQLite file in its own temporary folder, removed afterwards.
class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenStore(dir_.File("import.db"), &clock_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->PutDistrict({"d1", "海淀学区", "Asia/Shanghai", "zh-CN"}, admin_).ok());
  }

  void TearDown() override { store_.reset(); }

  size_t SchoolCount() {
    auto list = store_->ListSchools();
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->size() : 0;
  }
  size_t ResourceCount() {
    ResourceFilter filter;
    filter.include_inactive = true;
    auto list = store_->ListResources(filter);
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->size() : 0;
  }
  size_t BookingCount() {
    auto list = store_->ListBookings({});
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->size() : 0;
  }

  // Two schools and a few resources, imported through the CSV path itself.
  void SeedCatalogue() {
    auto schools = ImportSchools(*store_,
                                 "id,district_id,name,name_en,kind\n"
                                 "s1,d1,第一中学,No. 1 Middle School,core\n"
                                 "s2,d1,实验小学,Experimental Primary,member\n",
                                 admin_, Lang::kEn);
    ASSERT_TRUE(schools.ok()) << schools.status().ToString();
    ASSERT_TRUE(schools->ok()) << Describe(*schools);
    auto resources = ImportResources(*store_,
                                     "id,school_id,name,type,capacity,quantity,opening_hours,approval\n"
                                     "gym,s1,体育馆,hall,100,,Mon-Fri 08:00-18:00,none\n"
                                     "lab,s1,化学实验室,lab,40,,Mon-Sun 08:00-22:00,none\n"
                                     "balls,s1,篮球,equipment,,10,,none\n",
                                     admin_, Lang::kEn);
    ASSERT_TRUE(resources.ok()) << resources.status().ToString();
    ASSERT_TRUE(resources->ok()) << Describe(*resources);
  }

  testing::TempDir dir_;
  Actor admin_ = Actor::System();
  // "Now" is Friday 2026-11-20 00:00 in Asia/Shanghai; the bookings below are on Monday 2026-11-23.
  ManualClock clock_{testing::At("2026-11-20 00:00")};
  std::unique_ptr<Store> store_;
};

// --- schools ---

TEST_F(ImportTest, SchoolsGoodFileWithBomCrLfAndChinese) {
  const std::string csv = std::string(kUtf8Bom) +
                          "id,district_id,name,name_en,kind,weak,students,lat,lon,periods\r\n"
                          "s1,d1,北京市第一中学,\"No. 1 Middle School, Beijing\",core,否,1800,39.98,116.30,"
                          "1=08:00-08:40;2=08:50-09:30\r\n"
                          "s2,d1,\"实验小学（东校区）\",,member,是,620,39.95,116.35,\r\n";
  auto report = ImportSchools(*store_, csv, admin_, Lang::kZh);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << Describe(*report);
  EXPECT_EQ(report->rows, 2);
  EXPECT_EQ(report->imported, 2);
  EXPECT_EQ(SchoolCount(), 2u);

  auto s1 = store_->GetSchool("s1");
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->name, "北京市第一中学");
  EXPECT_EQ(s1->name_en, "No. 1 Middle School, Beijing");
  EXPECT_EQ(s1->kind, SchoolKind::kCore);
  EXPECT_FALSE(s1->weak);
  EXPECT_EQ(s1->students, 1800);
  EXPECT_DOUBLE_EQ(s1->location.lat, 39.98);
  EXPECT_DOUBLE_EQ(s1->location.lon, 116.30);
  ASSERT_EQ(s1->periods.size(), 2u);
  EXPECT_EQ(s1->periods[0], (ClassPeriod{1, 480, 520}));
  EXPECT_EQ(s1->periods[1], (ClassPeriod{2, 530, 570}));

  auto s2 = store_->GetSchool("s2");
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->name, "实验小学（东校区）");
  EXPECT_TRUE(s2->weak);
  EXPECT_TRUE(s2->periods.empty());
}

TEST_F(ImportTest, SchoolsThreeBadRowsAreAllReportedAndNothingIsWritten) {
  ASSERT_EQ(SchoolCount(), 0u);
  const std::string csv =
      "id,district_id,name,kind,students\n"
      "s1,d1,第一中学,core,100\n"         // line 2: good
      "s2,d1,第二中学,castle,100\n"       // line 3: bad kind
      "s3,d1,第三中学,member,100\n"       // line 4: good
      "s4,nowhere,第四中学,member,100\n"  // line 5: unknown district
      "s5,d1,第五中学,member,many\n";     // line 6: bad number
  auto report = ImportSchools(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(report->rows, 5);
  EXPECT_EQ(report->imported, 0);
  ASSERT_EQ(report->errors.size(), 3u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 3);
  EXPECT_EQ(report->errors[0].column, "kind");
  EXPECT_NE(report->errors[0].reason.find("castle"), std::string::npos);
  EXPECT_EQ(report->errors[1].line, 5);
  EXPECT_EQ(report->errors[1].column, "district_id");
  EXPECT_NE(report->errors[1].reason.find("nowhere"), std::string::npos);
  EXPECT_EQ(report->errors[2].line, 6);
  EXPECT_EQ(report->errors[2].column, "students");
  EXPECT_NE(report->errors[2].reason.find("many"), std::string::npos);
  for (const ImportError& e : report->errors) EXPECT_EQ(e.reason.rfind("import.", 0), std::string::npos) << e.reason;
  EXPECT_EQ(SchoolCount(), 0u);
}

TEST_F(ImportTest, ReasonsFollowTheLanguage) {
  const std::string csv = "id,district_id,name\ns1,nowhere,第一中学\n";
  auto zh = ImportSchools(*store_, csv, admin_, Lang::kZh);
  auto en = ImportSchools(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(zh.ok() && en.ok());
  ASSERT_EQ(zh->errors.size(), 1u);
  ASSERT_EQ(en->errors.size(), 1u);
  EXPECT_NE(zh->errors[0].reason, en->errors[0].reason);
  EXPECT_NE(zh->errors[0].reason.find("学区"), std::string::npos) << zh->errors[0].reason;
}

TEST_F(ImportTest, UnknownColumnIsAnError) {
  const std::string csv = "id,district_id,name,colour\ns1,d1,第一中学,red\n";
  auto report = ImportSchools(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 1u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 1);
  EXPECT_EQ(report->errors[0].column, "colour");
  EXPECT_NE(report->errors[0].reason.find("colour"), std::string::npos);
  EXPECT_EQ(SchoolCount(), 0u);
}

TEST_F(ImportTest, MissingRequiredColumnsAreNamed) {
  const std::string csv = "name,id\n第一中学,s1\n";
  auto report = ImportSchools(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 1u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 1);
  EXPECT_EQ(report->errors[0].column, "district_id");
  EXPECT_NE(report->errors[0].reason.find("district_id"), std::string::npos);

  auto resources = ImportResources(*store_, "id,name\nr1,x\n", admin_, Lang::kEn);
  ASSERT_TRUE(resources.ok());
  ASSERT_EQ(resources->errors.size(), 2u) << Describe(*resources);
  EXPECT_EQ(resources->errors[0].column, "school_id");
  EXPECT_EQ(resources->errors[1].column, "type");
  EXPECT_EQ(SchoolCount(), 0u);
}

TEST_F(ImportTest, ColumnOrderAndCaseAreFree) {
  const std::string csv = " Name ,ID,District_ID\n第一中学,s1,d1\n";
  auto report = ImportSchools(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << Describe(*report);
  EXPECT_EQ(SchoolCount(), 1u);
}

TEST_F(ImportTest, MalformedCsvIsReportedWithItsLine) {
  const std::string csv = "id,district_id,name\ns1,d1,第一中学\ns2,d1,\"第二中学\n";
  auto report = ImportSchools(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 1u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 3);
  EXPECT_EQ(SchoolCount(), 0u);
}

TEST_F(ImportTest, DuplicateIdsAndWrongFieldCounts) {
  const std::string csv = "id,district_id,name\ns1,d1,一\ns1,d1,二\ns3,d1\n";
  auto report = ImportSchools(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 2u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 3);
  EXPECT_EQ(report->errors[0].column, "id");
  EXPECT_EQ(report->errors[1].line, 4);
  EXPECT_EQ(SchoolCount(), 0u);
}

TEST_F(ImportTest, ChineseNamesRoundTripThroughCsv) {
  SeedCatalogue();
  // Export what the store holds with the CSV writer, re-import it into a second database, compare.
  auto schools = store_->ListSchools();
  ASSERT_TRUE(schools.ok());
  std::string csv(kUtf8Bom);
  WriteCsvRow({"id", "district_id", "name", "name_en", "kind"}, &csv);
  for (const School& s : *schools)
    WriteCsvRow({s.id, s.district_id, s.name + "，\"北区\"", s.name_en, ToString(s.kind)}, &csv);

  {
    auto other = testing::OpenStore(dir_.File("copy.db"), &clock_);
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(other->PutDistrict({"d1", "海淀学区", "Asia/Shanghai", "zh-CN"}, admin_).ok());
    auto report = ImportSchools(*other, csv, admin_, Lang::kZh);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << Describe(*report);
    auto copy = other->GetSchool("s1");
    ASSERT_TRUE(copy.ok());
    EXPECT_EQ(copy->name, "第一中学，\"北区\"");
    EXPECT_EQ(copy->name_en, "No. 1 Middle School");
    auto copy2 = other->GetSchool("s2");
    ASSERT_TRUE(copy2.ok());
    EXPECT_EQ(copy2->name, "实验小学，\"北区\"");
  }
}

TEST_F(ImportTest, StaffAndClassesWithTimetables) {
  SeedCatalogue();
  auto staff = ImportStaff(*store_,
                           "\xEF\xBB\xBFid,school_id,name,name_en,role\r\n"
                           "s1-t1,s1,李娜,Li Na,pe_teacher\r\n"
                           "s1-t2,s1,王芳,,teacher\r\n",
                           admin_, Lang::kZh);
  ASSERT_TRUE(staff.ok()) << staff.status().ToString();
  ASSERT_TRUE(staff->ok()) << Describe(*staff);
  EXPECT_EQ(staff->imported, 2);
  EXPECT_EQ(store_->GetStaff("s1-t1")->role, "pe_teacher");

  auto classes = ImportClasses(*store_,
                               "id,school_id,name,grade,students,lessons\n"
                               "s1-g7-1,s1,七年级(1)班,7,45,\"Mon-Fri 07:50-08:35,08:45-09:30; Wed 10:00-10:45\"\n",
                               admin_, Lang::kEn);
  ASSERT_TRUE(classes.ok()) << classes.status().ToString();
  ASSERT_TRUE(classes->ok()) << Describe(*classes);
  auto c = store_->GetClass("s1-g7-1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->grade, 7);
  EXPECT_EQ(c->students, 45);
  EXPECT_EQ(c->lessons.size(), 11u);  // 5 days x 2 + Wednesday's third
}

TEST_F(ImportTest, BadStaffAndClassRowsAreAllReportedAndNothingIsWritten) {
  SeedCatalogue();
  auto staff = ImportStaff(*store_,
                           "id,school_id,name\n"
                           "t1,nowhere,张伟\n"
                           "t2,s1,\n"
                           "t1,s1,赵敏\n",
                           admin_, Lang::kEn);
  ASSERT_TRUE(staff.ok());
  ASSERT_EQ(staff->errors.size(), 3u) << Describe(*staff);
  EXPECT_EQ(staff->errors[0].column, "school_id");
  EXPECT_EQ(staff->errors[1].column, "name");
  EXPECT_EQ(staff->errors[2].column, "id");
  EXPECT_EQ(store_->ListStaff()->size(), 0u);

  auto classes = ImportClasses(*store_,
                               "id,school_id,name,grade,lessons\n"
                               "k1,s1,一年级(1)班,13,\n"
                               "k2,s1,一年级(2)班,1,Someday 08:00-09:00\n",
                               admin_, Lang::kEn);
  ASSERT_TRUE(classes.ok());
  ASSERT_EQ(classes->errors.size(), 2u) << Describe(*classes);
  EXPECT_EQ(classes->errors[0].column, "grade");
  EXPECT_EQ(classes->errors[1].column, "lessons");
  EXPECT_EQ(store_->ListClasses()->size(), 0u);

  // A school manager may only fill in their own school.
  Actor other{"tok", Role::kSchoolManager, "s2"};
  auto refused = ImportStaff(*store_, "id,school_id,name\nt9,s1,孙杰\n", other, Lang::kEn);
  ASSERT_TRUE(refused.ok());
  ASSERT_EQ(refused->errors.size(), 1u);
  EXPECT_EQ(refused->errors[0].column, "school_id");
}

TEST_F(ImportTest, ReimportUpdatesAndKeepsAbsentColumns) {
  SeedCatalogue();
  auto report = ImportSchools(*store_, "id,district_id,name\ns1,d1,第一中学（本部）\n", admin_, Lang::kEn);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->ok()) << Describe(*report);
  auto s1 = store_->GetSchool("s1");
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->name, "第一中学（本部）");
  EXPECT_EQ(s1->name_en, "No. 1 Middle School");  // column absent: kept
  EXPECT_EQ(s1->kind, SchoolKind::kCore);
  EXPECT_EQ(SchoolCount(), 2u);
}

TEST_F(ImportTest, PermissionIsChecked) {
  Actor auditor{"t-aud", Role::kAuditor, ""};
  auto report = ImportSchools(*store_, "id,district_id,name\ns1,d1,第一中学\n", auditor, Lang::kEn);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->errors.size(), 1u) << Describe(*report);
  EXPECT_EQ(SchoolCount(), 0u);
}

// --- resources ---

TEST_F(ImportTest, ResourcesGoodFileWithParentsAndOpeningHours) {
  SeedCatalogue();
  const size_t before = ResourceCount();
  const std::string csv = std::string(kUtf8Bom) +
                          "id,school_id,name,name_en,type,capacity,quantity,features,opening_hours,buffer_minutes,"
                          "parent_id,shared,approval,min_notice_minutes,max_advance_days,max_duration_minutes,"
                          "weekly_cap_minutes,hourly_fee_cents\r\n"
                          "field,s1,田径场,Track field,field,400,,400m-track;floodlights,"
                          "\"Mon-Fri 16:00-21:00; Sat-Sun 08:00-12:00,18:00-02:00\",15,,true,owner_then_district,"
                          "1440,30,240,480,5000\r\n"
                          "field-a,s1,\"田径场（东半场）\",East half,field,200,,,,,field,是,owner,0,0,0,0,0\r\n"
                          "proj,s2,投影仪,Projector,equipment,,5,hdmi,,0,,否,none,,,,,\r\n";
  auto report = ImportResources(*store_, csv, admin_, Lang::kZh);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->ok()) << Describe(*report);
  EXPECT_EQ(report->imported, 3);
  EXPECT_EQ(ResourceCount(), before + 3);

  auto field = store_->GetResource("field");
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(field->name, "田径场");
  EXPECT_EQ(field->type, ResourceType::kField);
  EXPECT_EQ(field->capacity, 400);
  EXPECT_EQ(field->features, (std::vector<std::string>{"400m-track", "floodlights"}));
  EXPECT_EQ(field->buffer_minutes, 15);
  EXPECT_EQ(field->policy.approval, ApprovalMode::kOwnerThenDistrict);
  EXPECT_EQ(field->policy.min_notice_minutes, 1440);
  EXPECT_EQ(field->policy.max_advance_days, 30);
  EXPECT_EQ(field->policy.max_duration_minutes, 240);
  EXPECT_EQ(field->policy.weekly_cap_minutes, 480);
  EXPECT_EQ(field->policy.hourly_fee_cents, 5000);
  EXPECT_EQ(FormatOpeningHours(field->opening_hours), "Mon-Fri 16:00-21:00; Sat-Sun 08:00-12:00,18:00-26:00");

  auto half = store_->GetResource("field-a");
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->parent_id, "field");
  EXPECT_EQ(half->name, "田径场（东半场）");

  auto proj = store_->GetResource("proj");
  ASSERT_TRUE(proj.ok());
  EXPECT_EQ(proj->quantity, 5);
  EXPECT_FALSE(proj->policy.shared);
  EXPECT_EQ(proj->policy.approval, ApprovalMode::kNone);
}

TEST_F(ImportTest, ResourcesThreeBadRowsAreAllReportedAndNothingIsWritten) {
  SeedCatalogue();
  const size_t before = ResourceCount();
  const std::string csv =
      "id,school_id,name,type,opening_hours,parent_id,quantity\n"
      "r1,s1,礼堂,hall,Mon-Fri 08:00-18:00,,\n"  // line 2: good
      "r2,s9,礼堂二,hall,,,\n"                   // line 3: unknown school
      "r3,s1,实验室,lab,Funday 08:00-18:00,,\n"  // line 4: bad opening hours
      "r4,s1,半场,field,,later,\n"               // line 5: parent not earlier in the file
      "later,s1,场地,field,,,\n";                // line 6: good
  auto report = ImportResources(*store_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->errors.size(), 3u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 3);
  EXPECT_EQ(report->errors[0].column, "school_id");
  EXPECT_EQ(report->errors[1].line, 4);
  EXPECT_EQ(report->errors[1].column, "opening_hours");
  EXPECT_NE(report->errors[1].reason.find("Funday"), std::string::npos) << report->errors[1].reason;
  EXPECT_EQ(report->errors[2].line, 5);
  EXPECT_EQ(report->errors[2].column, "parent_id");
  EXPECT_EQ(report->imported, 0);
  EXPECT_EQ(ResourceCount(), before);
  EXPECT_FALSE(store_->GetResource("r1").ok());
}

TEST_F(ImportTest, EquipmentNeedsAQuantity) {
  SeedCatalogue();
  auto report = ImportResources(*store_, "id,school_id,name,type\nchairs,s1,椅子,equipment\n", admin_, Lang::kEn);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 1u) << Describe(*report);
  EXPECT_EQ(report->errors[0].column, "quantity");
}

// --- bookings ---

TEST_F(ImportTest, BookingsGoodFile) {
  SeedCatalogue();
  const std::string csv = std::string(kUtf8Bom) +
                          "id,resource_id,school_id,organizer,title,activity_type,attendees,quantity,start,end\r\n"
                          "b1,gym,s2,王老师,\"篮球赛, 决赛\",sports,80,,2026-11-23 08:00,2026-11-23 10:00\r\n"
                          ",gym,s1,李老师,校会,meeting,60,,2026-11-23T10:00:00+08:00,2026-11-23T11:00:00+08:00\r\n"
                          "b3,balls,s2,王老师,体育课,teaching,,4,2026-11-23 08:00,2026-11-23 09:00\r\n";
  auto report = ImportBookings(*store_, clock_, csv, admin_, Lang::kZh);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->ok()) << Describe(*report);
  EXPECT_EQ(report->rows, 3);
  EXPECT_EQ(report->imported, 3);
  EXPECT_EQ(BookingCount(), 3u);

  auto b1 = store_->GetBooking("b1");
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ(b1->start, testing::At("2026-11-23 08:00"));
  EXPECT_EQ(b1->end, testing::At("2026-11-23 10:00"));
  EXPECT_EQ(b1->title, "篮球赛, 决赛");
  EXPECT_EQ(b1->organizer, "王老师");
  EXPECT_EQ(b1->attendees, 80);

  // The same file again: the ids are stored already, nothing new, no error.
  auto again = ImportBookings(*store_, clock_,
                              "id,resource_id,school_id,start,end\nb1,gym,s2,2026-11-23 08:00,2026-11-23 10:00\n",
                              admin_, Lang::kZh);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ok()) << Describe(*again);
  EXPECT_EQ(again->imported, 0);
  EXPECT_EQ(BookingCount(), 3u);
}

TEST_F(ImportTest, OverlappingBookingsInOneFileRollBackEverything) {
  SeedCatalogue();
  const std::string csv =
      "resource_id,school_id,title,start,end\n"
      "gym,s1,早操,2026-11-23 08:00,2026-11-23 09:00\n"    // line 2: fine on its own
      "lab,s1,化学课,2026-11-23 08:00,2026-11-23 09:00\n"  // line 3: fine
      "gym,s2,篮球,2026-11-23 08:30,2026-11-23 09:30\n";   // line 4: overlaps line 2
  auto report = ImportBookings(*store_, clock_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_FALSE(report->ok());
  ASSERT_EQ(report->errors.size(), 1u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 4);
  EXPECT_EQ(report->errors[0].column, "start");
  EXPECT_FALSE(report->errors[0].reason.empty());
  EXPECT_EQ(report->errors[0].reason.rfind("rule.", 0), std::string::npos) << report->errors[0].reason;
  EXPECT_EQ(report->imported, 0);
  EXPECT_EQ(BookingCount(), 0u);
}

TEST_F(ImportTest, BookingRefusedByARuleAndBadRowsAreAllReported) {
  SeedCatalogue();
  const std::string csv =
      "resource_id,school_id,attendees,start,end\n"
      "gym,s2,500,2026-11-23 08:00,2026-11-23 09:00\n"     // line 2: over capacity (100)
      "gym,s2,10,2026-11-23 19:00,2026-11-23 20:00\n"      // line 3: outside opening hours
      "gym,s2,10,next monday,2026-11-23 20:00\n"           // line 4: unreadable time
      "nowhere,s2,10,2026-11-23 08:00,2026-11-23 09:00\n"  // line 5: unknown resource
      "lab,s1,10,2026-11-23 08:00,2026-11-23 09:00\n";     // line 6: fine
  auto report = ImportBookings(*store_, clock_, csv, admin_, Lang::kEn);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->errors.size(), 4u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 2);
  EXPECT_EQ(report->errors[0].column, "attendees");
  EXPECT_EQ(report->errors[1].line, 3);
  EXPECT_EQ(report->errors[1].column, "start");
  EXPECT_EQ(report->errors[2].line, 4);
  EXPECT_EQ(report->errors[2].column, "start");
  EXPECT_EQ(report->errors[3].line, 5);
  EXPECT_EQ(report->errors[3].column, "resource_id");
  EXPECT_EQ(BookingCount(), 0u);
}

TEST_F(ImportTest, BookingsMissingColumnAndUnknownColumn) {
  SeedCatalogue();
  auto report = ImportBookings(*store_, clock_, "resource_id,school_id,start,room\ngym,s1,2026-11-23 08:00,x\n", admin_,
                               Lang::kEn);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 2u) << Describe(*report);
  EXPECT_EQ(report->errors[0].column, "room");
  EXPECT_EQ(report->errors[1].column, "end");
  EXPECT_EQ(BookingCount(), 0u);
}

// --- failures while writing ---

// Forwards to a real store, but fails the write of one chosen id (school, resource or booking) with a
// chosen status: the import must roll back what it already wrote in the transaction.
class FailingStore final : public testing::ForwardingStore {
 public:
  FailingStore(Store& inner, std::string fail_id, Status fail_with)
      : ForwardingStore(inner), fail_id_(std::move(fail_id)), fail_with_(std::move(fail_with)) {}

  Status PutSchool(const School& s, const Actor& by) override {
    return s.id == fail_id_ ? fail_with_ : in_.PutSchool(s, by);
  }
  Status PutResource(const Resource& r, const Actor& by) override {
    return r.id == fail_id_ ? fail_with_ : in_.PutResource(r, by);
  }
  Status InsertBooking(const Booking& b, const Actor& by, const std::string& action) override {
    return b.id == fail_id_ ? fail_with_ : in_.InsertBooking(b, by, action);
  }

 private:
  std::string fail_id_;
  Status fail_with_;
};

TEST_F(ImportTest, RefusedWriteRollsBackTheRowsBeforeIt) {
  FailingStore failing(*store_, "s2", Status::InvalidArgument("refused by the store"));
  auto report = ImportSchools(failing, "id,district_id,name\ns1,d1,一中\ns2,d1,二中\ns3,d1,三中\n", admin_, Lang::kEn);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->errors.size(), 1u) << Describe(*report);
  EXPECT_EQ(report->errors[0].line, 3);
  EXPECT_NE(report->errors[0].reason.find("refused by the store"), std::string::npos);
  EXPECT_EQ(report->imported, 0);
  EXPECT_EQ(SchoolCount(), 0u);  // s1 was written first, then rolled back
}

TEST_F(ImportTest, IoErrorWhileWritingIsReturnedAndRolledBack) {
  SeedCatalogue();
  const size_t before = ResourceCount();
  FailingStore failing(*store_, "r2", Status::IoError("disk full"));
  auto report =
      ImportResources(failing, "id,school_id,name,type\nr1,s1,教室一,room\nr2,s1,教室二,room\n", admin_, Lang::kEn);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kIoError);
  EXPECT_EQ(ResourceCount(), before);

  FailingStore failing_booking(*store_, "b2", Status::IoError("disk full"));
  auto bookings = ImportBookings(failing_booking, clock_,
                                 "id,resource_id,school_id,start,end\n"
                                 "b1,gym,s1,2026-11-23 08:00,2026-11-23 09:00\n"
                                 "b2,gym,s1,2026-11-23 10:00,2026-11-23 11:00\n",
                                 admin_, Lang::kEn);
  ASSERT_FALSE(bookings.ok());
  EXPECT_EQ(bookings.status().code(), StatusCode::kIoError);
  EXPECT_EQ(BookingCount(), 0u);
}

// --- the examples of docs/csv-import.md ---

// The ```csv blocks of the document, in order.
std::vector<std::string> DocExamples() {
  const std::string doc_path = std::string(SCHOOLSHARE_SOURCE_DIR) + "/docs/csv-import.md";
  std::ifstream in(doc_path);
  EXPECT_TRUE(in.good()) << doc_path;
  std::vector<std::string> blocks;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```csv") {
      inside = true;
      blocks.emplace_back();
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside) {
      blocks.back() += line + "\n";
    }
  }
  return blocks;
}

TEST_F(ImportTest, DocumentedExamplesImport) {
  const std::vector<std::string> examples = DocExamples();
  ASSERT_EQ(examples.size(), 4u);  // schools, resources, staff, bookings
  auto schools = ImportSchools(*store_, examples[0], admin_, Lang::kEn);
  ASSERT_TRUE(schools.ok()) << schools.status().ToString();
  EXPECT_TRUE(schools->ok()) << Describe(*schools);
  EXPECT_EQ(schools->imported, 3);
  auto resources = ImportResources(*store_, examples[1], admin_, Lang::kEn);
  ASSERT_TRUE(resources.ok()) << resources.status().ToString();
  EXPECT_TRUE(resources->ok()) << Describe(*resources);
  EXPECT_EQ(resources->imported, 5);
  auto staff = ImportStaff(*store_, examples[2], admin_, Lang::kEn);
  ASSERT_TRUE(staff.ok()) << staff.status().ToString();
  EXPECT_TRUE(staff->ok()) << Describe(*staff);
  EXPECT_EQ(staff->imported, 2);
  auto bookings = ImportBookings(*store_, clock_, examples[3], admin_, Lang::kEn);
  ASSERT_TRUE(bookings.ok()) << bookings.status().ToString();
  EXPECT_TRUE(bookings->ok()) << Describe(*bookings);
  EXPECT_EQ(bookings->imported, 3);
  EXPECT_EQ(BookingCount(), 3u);
}

// --- opening hours and class periods (pure) ---

TEST(OpeningHoursTest, Parses) {
  struct Case {
    std::string text;
    std::vector<WeeklyWindow> want;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"Mon 08:00-18:00", {{1, 480, 1080}}},
      {"Mon-Wed 08:00-09:00", {{1, 480, 540}, {2, 480, 540}, {3, 480, 540}}},
      {"Fri-Mon 10:00-11:00", {{1, 600, 660}, {5, 600, 660}, {6, 600, 660}, {7, 600, 660}}},
      {"mon,WED 07:00-08:00,16:30-21:00", {{1, 420, 480}, {1, 990, 1260}, {3, 420, 480}, {3, 990, 1260}}},
      {"Sat 18:00-26:00", {{6, 1080, 1560}}},
      {"Sat 18:00-02:00", {{6, 1080, 1560}}},
      {"Sun 00:00-24:00", {{7, 0, 1440}}},
      {"Sat 09:00-12:00; Mon 08:00-10:00;", {{1, 480, 600}, {6, 540, 720}}},
      {"周一-周二 08:00-09:00", {{1, 480, 540}, {2, 480, 540}}},
      {"Daily 06:00-07:00",
       {{1, 360, 420}, {2, 360, 420}, {3, 360, 420}, {4, 360, 420}, {5, 360, 420}, {6, 360, 420}, {7, 360, 420}}},
  };
  for (const Case& c : cases) {
    auto got = ParseOpeningHours(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(OpeningHoursTest, RefusesBadText) {
  for (const char* text : {"Mon", "Funday 08:00-09:00", "Mon 08:00", "Mon 08:00-08:00", "Mon 25:00-26:00", "Mon 8h-9h",
                           "Mon 08:00-18:00; Mon 17:00-19:00", "Mon-Fri 08:00-18:00; Wed 09:00-10:00"}) {
    auto got = ParseOpeningHours(text, Lang::kEn);
    EXPECT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(OpeningHoursTest, FormatsAndRoundTrips) {
  const std::vector<std::string> texts = {
      "Mon-Fri 08:00-18:00; Sat 09:00-12:00",
      "Mon 08:00-10:00,14:00-16:00; Wed 08:00-10:00; Sat-Sun 18:00-26:00",
      "Sun 00:00-24:00",
  };
  for (const std::string& text : texts) {
    auto windows = ParseOpeningHours(text);
    ASSERT_TRUE(windows.ok()) << text;
    EXPECT_EQ(FormatOpeningHours(*windows), text);
    auto again = ParseOpeningHours(FormatOpeningHours(*windows));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *windows);
  }
  EXPECT_EQ(FormatOpeningHours({}), "");
}

TEST(ClassPeriodsTest, ParsesAndFormats) {
  auto periods = ParseClassPeriods("2=08:50-09:30; 1=08:00-08:40");
  ASSERT_TRUE(periods.ok());
  EXPECT_EQ(*periods, (std::vector<ClassPeriod>{{1, 480, 520}, {2, 530, 570}}));
  EXPECT_EQ(FormatClassPeriods(*periods), "1=08:00-08:40;2=08:50-09:30");
  EXPECT_FALSE(ParseClassPeriods("1=08:00-08:40;1=09:00-09:40").ok());
  EXPECT_FALSE(ParseClassPeriods("first=08:00-08:40").ok());
  EXPECT_FALSE(ParseClassPeriods("1=08:00").ok());
}

}  // namespace
}  // namespace schoolshare
