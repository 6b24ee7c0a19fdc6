// A database made by an older schoolshare opens and upgrades; one made by a newer one is refused.
#include "store/migrations.h"

#include <gtest/gtest.h>

#include "schoolshare/store.h"
#include "store/sqlite.h"
#include "testutil.h"

namespace schoolshare {
namespace {

TEST(MigrationsTest, VersionOneDatabaseUpgradesAndKeepsItsData) {
  testing::TempDir dir;
  std::string path = dir.File("old.db");
  {
    auto db = sqlite::Database::Open(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::Migrate(**db, 1).ok());
    EXPECT_EQ(*store::ReadSchemaVersion(**db), 1);
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO districts VALUES ('d1', '旧学区', 'Asia/Shanghai', 'zh-CN');"
                           "INSERT INTO schools(id, district_id, name, kind) VALUES ('s1', 'd1', '旧学校', 'core');")
                    .ok());
    // Version 1 has no agreements table yet.
    EXPECT_FALSE((*db)->Exec("SELECT * FROM sharing_agreements").ok());
  }
  auto store = Store::OpenSqlite(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), store::LatestSchemaVersion());
  EXPECT_EQ((*store)->GetSchool("s1")->name, "旧学校");
  SharingAgreement a;
  a.id = "ag";
  a.owner_school_id = "s1";
  a.borrower_school_id = "s1";
  EXPECT_EQ((*store)->PutAgreement(a, Actor::System()).code(), StatusCode::kInvalidArgument);  // same school
  School other{"s2", "d1", "新学校", "", SchoolKind::kMember, false, 0, {}, {}};
  ASSERT_TRUE((*store)->PutSchool(other, Actor::System()).ok());
  a.borrower_school_id = "s2";
  a.valid_from = *CivilDate::Parse("2026-09-01");
  a.valid_to = *CivilDate::Parse("2027-01-31");
  EXPECT_TRUE((*store)->PutAgreement(a, Actor::System()).ok());
}

// A version-6 database with bookings (and the scope backfilled by migration 5) upgrades to 7: its
// bookings get no class, and staff and classes can be added.
TEST(MigrationsTest, VersionSixDatabaseWithBookingsGainsStaffAndClasses) {
  testing::TempDir dir;
  std::string path = dir.File("v6.db");
  std::string booking_id;
  {
    auto db = sqlite::Database::Open(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::Migrate(**db, 6).ok());
  }
  {
    // Rows as an older schoolshare wrote them (a Store would migrate the file first, so plain SQL).
    auto db = sqlite::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO districts VALUES ('d1', '旧学区', 'Asia/Shanghai', 'zh-CN');"
                           "INSERT INTO schools(id, district_id, name, kind) VALUES ('s1', 'd1', '旧学校', 'core');"
                           "INSERT INTO resources(id, school_id, name, type) VALUES ('r1', 's1', '操场', 'field');"
                           "INSERT INTO bookings(id, resource_id, school_id, activity_type, start_at, end_at, status, "
                           "stage, code, created_by, created_at, updated_at) VALUES ('b1', 'r1', 's1', 'sports', "
                           "1795000000, 1795003600, 'confirmed', 'none', 'ABCDEF', 'test', 1, 1);")
                    .ok());
  }
  auto store = Store::OpenSqlite(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), store::LatestSchemaVersion());
  auto b = (*store)->GetBooking("b1");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->class_id, "");
  EXPECT_EQ(b->code, "ABCDEF");
  ASSERT_TRUE(
      (*store)->PutClass({"s1-g1-1", "s1", "一年级(1)班", "", 1, 40, {{1, 480, 520}}, true}, Actor::System()).ok());
  ASSERT_TRUE((*store)->PutStaff({"s1-t1", "s1", "李娜", "", "teacher", true}, Actor::System()).ok());
  Booking with_class = *b;
  with_class.class_id = "s1-g1-1";
  ASSERT_TRUE((*store)->UpdateBooking(with_class, Actor::System(), "booking.update").ok());
  EXPECT_EQ((*store)->GetBooking("b1")->class_id, "s1-g1-1");
}

// A version-9 database with a return fact upgrades to 10: old facts have no returner and no override,
// new facts keep both.
TEST(MigrationsTest, VersionNineFactsGainReturnedByAndOverrideBy) {
  testing::TempDir dir;
  std::string path = dir.File("v9.db");
  {
    auto db = sqlite::Database::Open(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::Migrate(**db, 9).ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO districts VALUES ('d1', '旧学区', 'Asia/Shanghai', 'zh-CN');"
                           "INSERT INTO schools(id, district_id, name, kind) VALUES ('s1', 'd1', '旧学校', 'core');"
                           "INSERT INTO resources(id, school_id, name, type, quantity) VALUES ('r1', 's1', '篮球', "
                           "'equipment', 10);"
                           "INSERT INTO usage_facts(id, kind, resource_id, at, quantity, condition, note, recorded_by, "
                           "received_at) VALUES ('f1', 'return', 'r1', 1795000000, 2, 'fine', 'returned_by: 李娜', "
                           "'kiosk', 1795000000);")
                    .ok());
  }
  auto store = Store::OpenSqlite(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), store::LatestSchemaVersion());
  auto old = (*store)->GetFact("f1");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->returned_by, "");
  EXPECT_EQ(old->override_by, "");
  EXPECT_EQ(old->quantity, 2);
  UsageFact f = *old;
  f.id = "f2";
  f.returned_by = "李娜";
  f.override_by = "s1-t1";
  ASSERT_TRUE((*store)->InsertFact(f, Actor::System()).ok());
  auto back = (*store)->GetFact("f2");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->returned_by, "李娜");
  EXPECT_EQ(back->override_by, "s1-t1");
}

// A version-10 change log learns each change's district: from the scope school, the district or
// school itself, or the calendar day's id; a compacted log marks every district compacted as far.
TEST(MigrationsTest, VersionTenChangesLearnTheirDistrict) {
  testing::TempDir dir;
  std::string path = dir.File("v10.db");
  {
    auto db = sqlite::Database::Open(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::Migrate(**db, 10).ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO districts VALUES ('d1', '一学区', 'Asia/Shanghai', 'zh-CN'), "
                           "('d2', '二学区', 'Asia/Shanghai', 'zh-CN');"
                           "INSERT INTO schools(id, district_id, name, kind) VALUES ('s1', 'd1', '一校', 'core'), "
                           "('s2', 'd2', '二校', 'core');"
                           "INSERT INTO change_log(version, entity, entity_id, op, data, at, scope) VALUES "
                           "(5, 'district', 'd2', 'put', '{}', 1, ''), (6, 'school', 's1', 'put', '{}', 1, ''), "
                           "(7, 'resource', 'r2', 'put', '{}', 1, 's2'), "
                           "(8, 'calendar_day', 'd2/2026-10-01/', 'put', '{}', 1, '');"
                           "UPDATE server_meta SET value = '4' WHERE key = 'compacted_up_to';")
                    .ok());
  }
  auto store = Store::OpenSqlite(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto of = [&](const std::string& district) {
    std::vector<std::int64_t> versions;
    for (const Change& c : *(*store)->ListChanges(district, 0, 0)) versions.push_back(c.version);
    return versions;
  };
  EXPECT_EQ(of("d1"), std::vector<std::int64_t>({6}));
  EXPECT_EQ(of("d2"), std::vector<std::int64_t>({5, 7, 8}));
  EXPECT_EQ(*(*store)->CompactedUpTo("d1"), 4);
  EXPECT_EQ(*(*store)->CompactedUpTo("d2"), 4);
  EXPECT_EQ(*(*store)->DistrictVersion("d1"), 6);
  EXPECT_EQ(*(*store)->DistrictVersion("d2"), 8);
}

TEST(MigrationsTest, NewerDatabaseIsRefusedWithAClearMessage) {
  testing::TempDir dir;
  std::string path = dir.File("new.db");
  {
    auto store = Store::OpenSqlite(path);
    ASSERT_TRUE(store.ok());
  }
  {
    auto db = sqlite::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 99").ok());
  }
  StoreOptions en;
  en.lang = Lang::kEn;
  auto store = Store::OpenSqlite(path, en);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos) << store.status().message();
  EXPECT_NE(store.status().message().find("99"), std::string::npos);
}

TEST(MigrationsTest, AuditRowsReferToTheirChangeInsteadOfCopyingIt) {
  testing::TempDir dir;
  std::string path = dir.File("audit.db");
  {
    auto store = testing::OpenStore(path, nullptr);
    ASSERT_NE(store, nullptr);
    testing::SeedSmallDistrict(*store);
    auto history = store->ListAudit("resource", "a-hall");
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 1u);
    EXPECT_NE((*history)[0].detail.find("甲校礼堂"), std::string::npos);  // read through the change log
  }
  auto db = sqlite::Database::Open(path, false);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->Prepare(
      "SELECT COUNT(*), SUM(change_version IS NULL), SUM(LENGTH(detail)) FROM audit_log WHERE entity <> 'token'");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*(*st)->Step());
  EXPECT_GT((*st)->Int(0), 0);
  EXPECT_EQ((*st)->Int(1), 0);  // every audit row points at its change
  EXPECT_EQ((*st)->Int(2), 0);  // and repeats none of its data
}

TEST(MigrationsTest, OpeningTwiceIsIdempotent) {
  testing::TempDir dir;
  std::string path = dir.File("twice.db");
  ASSERT_TRUE(Store::OpenSqlite(path).ok());
  auto again = Store::OpenSqlite(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->SchemaVersion(), store::LatestSchemaVersion());
}

}  // namespace
}  // namespace schoolshare
