#include "testutil.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "schoolshare/tokens.h"

namespace schoolshare::testing {
namespace {

std::vector<WeeklyWindow> EveryDay(int from, int to) {
  std::vector<WeeklyWindow> w;
  for (int d = 1; d <= 7; ++d) w.push_back({d, from, to});
  return w;
}

// Runs one parameterless statement in the database of `url` (the cluster's maintenance database for
// CREATE and DROP DATABASE); "" or the error.
std::string ExecAt(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) err = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return err;
}

}  // namespace

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

std::string PgClusterUrl() {
  const char* file = std::getenv("SCHOOLSHARE_TEST_PG_URL_FILE");
  if (file == nullptr) return "";
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

PgDatabase::PgDatabase() : PgDatabase(std::string()) {}

PgDatabase::PgDatabase(const std::string& template_name) : cluster_(PgClusterUrl()) {
  if (cluster_.empty()) {
    error_ = "no PostgreSQL test cluster (SCHOOLSHARE_TEST_PG_URL_FILE unset or empty)";
    return;
  }
  std::random_device rd;
  name_ = "t" + std::to_string(rd()) + std::to_string(rd());
  const std::string from = template_name.empty() ? "" : " TEMPLATE " + template_name;
  error_ = ExecAt(cluster_, "CREATE DATABASE " + name_ + from);
  if (!error_.empty()) return;
  const std::size_t slash = cluster_.rfind('/');
  url_ = cluster_.substr(0, slash + 1) + name_;
}

PgDatabase::~PgDatabase() {
  if (!url_.empty()) ExecAt(cluster_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

std::unique_ptr<PgDatabase> PgDatabase::CopyOf(const PgDatabase& source) {
  return std::unique_ptr<PgDatabase>(new PgDatabase(source.name_));
}

std::string PgDatabase::RestoreFrom(const PgDatabase& backup) {
  std::string err = ExecAt(cluster_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  if (err.empty()) err = ExecAt(cluster_, "CREATE DATABASE " + name_ + " TEMPLATE " + backup.name_);
  return err;
}

std::string PgDatabase::Exec(const std::string& sql) const { return ExecAt(url_, sql); }

std::unique_ptr<Store> OpenBackend(Backend backend, const TempDir& dir, const Clock* clock,
                                   std::unique_ptr<PgDatabase>* pg, std::string* skip) {
  if (backend == Backend::kSqlite) return OpenStore(BackendLocation(backend, dir, nullptr), clock);
  if (PgClusterUrl().empty()) {
    *skip = "no PostgreSQL test cluster: run through ctest (fixture pg_cluster) with PostgreSQL installed";
    return nullptr;
  }
  *pg = std::make_unique<PgDatabase>();
  if (!(*pg)->ok()) {
    ADD_FAILURE() << "cannot create a test database: " << (*pg)->error();
    return nullptr;
  }
  return ReopenBackend(backend, dir, clock, pg->get());
}

std::unique_ptr<Store> ReopenBackend(Backend backend, const TempDir& dir, const Clock* clock, const PgDatabase* pg) {
  if (backend == Backend::kSqlite) return OpenStore(BackendLocation(backend, dir, pg), clock);
  StoreOptions options;
  options.clock = clock;
  auto store = Store::OpenPostgres(BackendLocation(backend, dir, pg), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::string BackendLocation(Backend backend, const TempDir& dir, const PgDatabase* pg) {
  return backend == Backend::kSqlite ? dir.File("s.db") : pg->url();
}

void SeedSmallDistrict(Store& store) {
  Actor sys = Actor::System();
  ASSERT_TRUE(store.PutDistrict({"d1", "测试学区", "Asia/Shanghai", "zh-CN"}, sys).ok());
  School a{"a", "d1", "甲校", "School A", SchoolKind::kCore, false, 1200, {29.50, 106.50}, {}};
  School b{"b", "d1", "乙校", "School B", SchoolKind::kMember, true, 300, {29.527, 106.50}, {}};
  School c{"c", "d1", "丙院", "Institute C", SchoolKind::kPartner, false, 0, {29.59, 106.50}, {}};
  for (const School& s : {a, b, c}) ASSERT_TRUE(store.PutSchool(s, sys).ok());

  Resource field;
  field.id = "a-field";
  field.school_id = "a";
  field.name = "甲校足球场";
  field.type = ResourceType::kField;
  field.capacity = 100;
  field.opening_hours = EveryDay(7 * 60, 21 * 60);
  field.policy.approval = ApprovalMode::kNone;
  field.features = {"400m-track"};
  ASSERT_TRUE(store.PutResource(field, sys).ok());
  for (const char* half : {"a-field-n", "a-field-s"}) {
    Resource part = field;
    part.id = half;
    part.name = std::string("甲校半场 ") + half;
    part.parent_id = "a-field";
    part.capacity = 50;
    part.features = {};
    ASSERT_TRUE(store.PutResource(part, sys).ok());
  }

  Resource hall;
  hall.id = "a-hall";
  hall.school_id = "a";
  hall.name = "甲校礼堂";
  hall.type = ResourceType::kHall;
  hall.capacity = 300;
  hall.buffer_minutes = 15;
  hall.features = {"stage", "projector"};
  for (int d = 1; d <= 5; ++d) hall.opening_hours.push_back({d, 8 * 60, 18 * 60});
  hall.policy.approval = ApprovalMode::kOwner;
  hall.policy.min_notice_minutes = 24 * 60;
  hall.policy.max_advance_days = 60;
  hall.policy.max_duration_minutes = 4 * 60;
  hall.policy.weekly_cap_minutes = 4 * 60;
  ASSERT_TRUE(store.PutResource(hall, sys).ok());

  Resource lab;
  lab.id = "a-lab";
  lab.school_id = "a";
  lab.name = "甲校化学实验室";
  lab.type = ResourceType::kLab;
  lab.capacity = 40;
  lab.policy.shared = false;
  ASSERT_TRUE(store.PutResource(lab, sys).ok());

  Resource balls;
  balls.id = "a-balls";
  balls.school_id = "a";
  balls.name = "足球";
  balls.type = ResourceType::kEquipment;
  balls.quantity = 20;
  balls.policy.approval = ApprovalMode::kNone;
  ASSERT_TRUE(store.PutResource(balls, sys).ok());

  Resource bhall;
  bhall.id = "b-hall";
  bhall.school_id = "b";
  bhall.name = "乙校报告厅";
  bhall.type = ResourceType::kHall;
  bhall.capacity = 200;
  bhall.features = {"stage", "projector"};
  bhall.opening_hours = EveryDay(7 * 60, 21 * 60);
  bhall.policy.approval = ApprovalMode::kNone;
  ASSERT_TRUE(store.PutResource(bhall, sys).ok());

  Resource chall = bhall;
  chall.id = "c-hall";
  chall.school_id = "c";
  chall.name = "丙院大礼堂";
  chall.capacity = 500;
  chall.policy.approval = ApprovalMode::kOwnerThenDistrict;
  chall.policy.hourly_fee_cents = 20000;
  ASSERT_TRUE(store.PutResource(chall, sys).ok());
}

void SeedSecondDistrict(Store& store, const std::string& district_id) {
  Actor sys = Actor::System();
  ASSERT_TRUE(store.PutDistrict({district_id, "第二学区", "Asia/Shanghai", "zh-CN"}, sys).ok());
  School z{"z", district_id, "泽校", "School Z", SchoolKind::kCore, false, 800, {29.80, 106.40}, {}};
  ASSERT_TRUE(store.PutSchool(z, sys).ok());
  auto hall = store.GetResource("b-hall");
  ASSERT_TRUE(hall.ok()) << hall.status().ToString();
  hall->id = "z-hall";
  hall->school_id = "z";
  ASSERT_TRUE(store.PutResource(*hall, sys).ok());
}

std::string IssueTestToken(Store& store, Role role, const std::string& school, Instant now) {
  auto t = IssueToken(store, role, school, "test", Actor::System(), now);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? t->token : std::string();
}

WalProgress ReadWalProgress(const std::string& path) {
  std::ifstream shm(path + "-shm", std::ios::binary);
  unsigned char bytes[100] = {};
  if (!shm.read(reinterpret_cast<char*>(bytes), sizeof bytes)) return {};
  WalProgress p;
  std::memcpy(&p.frames, bytes + 16, 4);       // WalIndexHdr.mxFrame (native byte order)
  std::memcpy(&p.copied_back, bytes + 96, 4);  // WalCkptInfo.nBackfill, after the two 48-byte headers
  return p;
}

}  // namespace schoolshare::testing
