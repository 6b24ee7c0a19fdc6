// The admin client's Reports and Reconciliation models without a window: the periods, the charts'
// values over the demo district (checked against core's own totals), the CSV export, and the month's
// reconciliation resolved from a replica and signed off through a real schoolshare-sync on 127.0.0.1.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>

#include "model/reconciliation_view.h"
#include "model/reports_view.h"
#include "schoolshare/demo.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::admin {
namespace {

using testing::At;
using testing::Shanghai;

TEST(ReportPeriodTest, MonthsAndTermsCoverEveryDayAndStep) {
  const CivilDate d{2026, 11, 23};
  PeriodChoice month = PeriodContaining(PeriodKind::kMonth, d);
  EXPECT_EQ(month.first, (CivilDate{2026, 11, 1}));
  EXPECT_EQ(month.last, (CivilDate{2026, 11, 30}));
  EXPECT_EQ(StepPeriod(month, 2).first, (CivilDate{2027, 1, 1}));
  EXPECT_EQ(StepPeriod(month, 2).last, (CivilDate{2027, 1, 31}));
  EXPECT_EQ(StepPeriod(month, -11).first, (CivilDate{2025, 12, 1}));

  PeriodChoice autumn = PeriodContaining(PeriodKind::kTerm, d);
  EXPECT_EQ(autumn.first, (CivilDate{2026, 9, 1}));
  EXPECT_EQ(autumn.last, (CivilDate{2027, 1, 31}));
  EXPECT_EQ(PeriodContaining(PeriodKind::kTerm, {2027, 1, 31}), autumn);
  PeriodChoice spring = StepPeriod(autumn, 1);
  EXPECT_EQ(spring.first, (CivilDate{2027, 2, 1}));
  EXPECT_EQ(spring.last, (CivilDate{2027, 8, 31}));
  EXPECT_EQ(StepPeriod(spring, -1), autumn);
  EXPECT_EQ(StepPeriod(autumn, -1).first, (CivilDate{2026, 2, 1}));

  EXPECT_EQ(PeriodLabel(month, Lang::kZh), "2026年11月");
  EXPECT_EQ(PeriodLabel(month, Lang::kEn), "November 2026");
  EXPECT_EQ(PeriodLabel(autumn, Lang::kZh), "2026年秋季学期");
  EXPECT_EQ(PeriodLabel(spring, Lang::kEn), "Spring term 2027");

  EXPECT_EQ(StepMonth("2026-01", -1), "2025-12");
  EXPECT_EQ(StepMonth("2026-12", 1), "2027-01");
  EXPECT_EQ(MonthOf(At("2026-11-30 23:30"), Shanghai()), "2026-11");
}

// The demo district around a fixed now: a term of timetabled use, cross-school bookings and facts.
class ReportsViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenStore(dir_.File("demo.db"), &clock_);
    ASSERT_NE(store_, nullptr);
    auto info = SeedDemoDistrict(*store_, clock_);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    info_ = *info;
  }

  ReportsData Build(PeriodKind kind, bool district) {
    ReportsQuery q;
    q.period = PeriodContaining(kind, Shanghai().LocalDate(clock_.Now()));
    q.district = district;
    auto d = BuildReportsView(*store_, manager_, "", q);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::move(d).value() : ReportsData{};
  }

  static double Sum(const std::array<std::array<double, 24>, 7>& m) {
    double s = 0;
    for (const auto& day : m) s = std::accumulate(day.begin(), day.end(), s);
    return s;
  }

  testing::TempDir dir_;
  ManualClock clock_{At("2026-11-25 10:00")};
  std::unique_ptr<Store> store_;
  DemoInfo info_;
  const Actor manager_{"tok-xjw", Role::kSchoolManager, "xjw"};
};

TEST_F(ReportsViewTest, ChartsAddUpToCoresTotals) {
  for (bool district : {false, true}) {
    SCOPED_TRACE(district ? "district" : "school");
    ReportsData d = Build(PeriodKind::kMonth, district);
    EXPECT_EQ(d.district_id, "jlp");
    EXPECT_EQ(d.school_id, district ? "" : "xjw");
    ASSERT_GT(d.utilization.total.booked_hours, 0);

    // Heat map: the hours are core's, the colour values 0..1 with the busiest cell at 1.
    EXPECT_NEAR(Sum(d.heat_booked.hours), d.utilization.total.booked_hours, 1e-6);
    EXPECT_NEAR(Sum(d.heat_used.hours), d.utilization.total.used_hours, 1e-6);
    double top = 0;
    for (int day = 0; day < 7; ++day) {
      for (int hour = 0; hour < 24; ++hour) {
        EXPECT_GE(d.heat_booked.Value(day, hour), 0);
        EXPECT_LE(d.heat_booked.Value(day, hour), 1);
        top = std::max(top, d.heat_booked.Value(day, hour));
      }
    }
    EXPECT_DOUBLE_EQ(top, 1);
    EXPECT_EQ(d.heat_booked.Value(0, 3), 0);  // nobody books at 03:00

    // Trend: the weeks of the month (Nov 2026 touches W44..W49), adding up to the total.
    ASSERT_EQ(d.trend.size(), 6u);
    EXPECT_EQ(d.trend.front().week, "2026-W44");
    double booked = 0;
    for (const auto& w : d.trend) {
      booked += w.booked_hours;
      EXPECT_LE(w.booked_hours, d.trend_max);
    }
    EXPECT_NEAR(booked, d.utilization.total.booked_hours, 1e-6);

    // Ledger: the matrix holds every shared hour once, nobody borrows from itself.
    ASSERT_FALSE(d.matrix.schools.empty());
    double shared = 0;
    for (std::size_t host = 0; host < d.matrix.schools.size(); ++host) {
      EXPECT_EQ(d.matrix.hours[host][host], 0);
      for (std::size_t borrower = 0; borrower < d.matrix.schools.size(); ++borrower) {
        const double h = d.matrix.hours[host][borrower];
        shared += h;
        EXPECT_LE(h, d.matrix.max_hours);
        if (!district && h > 0) {
          EXPECT_TRUE(d.matrix.schools[host] == "xjw" || d.matrix.schools[borrower] == "xjw");
        }
      }
    }
    EXPECT_GT(shared, 0);
    EXPECT_NEAR(shared, d.ledger.shared_hours, 1e-6);
    for (const auto& b : d.balances) {
      EXPECT_TRUE(b.hosted_hours > 0 || b.borrowed_hours > 0) << b.school_id;
      EXPECT_LE(std::max(b.hosted_hours, b.borrowed_hours), d.balance_max);
    }

    // Names in both languages for the axes.
    EXPECT_EQ(d.Name("xjw", Lang::kZh), "谢家湾小学");
    EXPECT_NE(d.Name("xjw", Lang::kEn), "谢家湾小学");
    EXPECT_EQ(d.Name("no-such-id", Lang::kEn), "no-such-id");
  }

  // The district: hosted and borrowed both add up to the shared hours; equity compares weak schools
  // with the rest.
  ReportsData d = Build(PeriodKind::kTerm, true);
  double hosted = 0, borrowed = 0;
  for (const auto& b : d.balances) {
    hosted += b.hosted_hours;
    borrowed += b.borrowed_hours;
  }
  EXPECT_NEAR(hosted, d.ledger.shared_hours, 1e-6);
  EXPECT_NEAR(borrowed, d.ledger.shared_hours, 1e-6);
  EXPECT_GT(d.equity.weak.schools, 0);
  EXPECT_GT(d.equity.rest.schools, 0);
  EXPECT_EQ(d.equity.weak.schools + d.equity.rest.schools, static_cast<int>(d.equity.schools.size()));
  for (double g : {d.equity.gini_with_sharing, d.equity.gini_without_sharing}) {
    EXPECT_GT(g, 0);
    EXPECT_LT(g, 1);
  }
  EXPECT_GT(d.trend.size(), 20u);  // a term is about 22 weeks
}

TEST_F(ReportsViewTest, ADistrictAdminAlwaysSeesTheDistrictAndAManagerNeedsASchool) {
  ReportsQuery q;
  q.period = PeriodContaining(PeriodKind::kMonth, Shanghai().LocalDate(clock_.Now()));
  auto d = BuildReportsView(*store_, Actor{"tok-admin", Role::kDistrictAdmin, ""}, "jlp", q);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->query.district);
  EXPECT_EQ(d->school_id, "");
  EXPECT_EQ(BuildReportsView(*store_, Actor{"x", Role::kSchoolManager, ""}, "jlp", q).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildReportsView(*store_, Actor{"x", Role::kSchoolManager, "nowhere"}, "", q).status().code(),
            StatusCode::kNotFound);
}

TEST_F(ReportsViewTest, CsvExportIsCoresTableWithABomInTheChosenLanguage) {
  ReportsData d = Build(PeriodKind::kMonth, false);
  const std::string zh = ReportCsv(d, ReportKind::kUtilization, Lang::kZh);
  ASSERT_GT(zh.size(), 3u);
  EXPECT_EQ(zh.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(zh.find("预订小时"), std::string::npos);
  EXPECT_NE(zh.find("\r\n"), std::string::npos);
  EXPECT_NE(zh.find("谢家湾小学"), std::string::npos);  // names, not only ids
  const std::string en = ReportCsv(d, ReportKind::kLedger, Lang::kEn);
  EXPECT_NE(en.find("borrower"), std::string::npos);
  EXPECT_NE(en.find("hosted h"), std::string::npos);  // the balances follow the cells
  EXPECT_NE(ReportCsv(d, ReportKind::kEquity, Lang::kEn).find("Gini"), std::string::npos);

  EXPECT_EQ(DefaultCsvName(d, ReportKind::kUtilization), "utilization-xjw-2026-11.csv");
  EXPECT_EQ(DefaultCsvName(Build(PeriodKind::kTerm, true), ReportKind::kLedger), "ledger-jlp-2026-autumn.csv");

  const std::string path = dir_.File(DefaultCsvName(d, ReportKind::kUtilization));
  ASSERT_TRUE(WriteTextFile(path, zh).ok());
  std::ifstream in(path, std::ios::binary);
  std::stringstream back;
  back << in.rdbuf();
  EXPECT_EQ(back.str(), zh);
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  EXPECT_EQ(WriteTextFile(dir_.File("no-such-dir/x.csv"), zh).code(), StatusCode::kIoError);
  EXPECT_EQ(WriteTextFile("", zh).code(), StatusCode::kInvalidArgument);
}

// Last month at school a: a-hall was booked by b and nobody came (no_show), and by a with a late
// check-in (late_check_in). Written into the server's database before it starts.
class ReconciliationModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("server.db");
    month_ = StepMonth(MonthOf(clock_.Now(), Shanghai()), -1);
    const CivilDate day = *CivilDate::Parse(month_ + "-10");
    {
      auto store = testing::OpenStore(db_, &clock_);
      ASSERT_TRUE(store);
      testing::SeedSmallDistrict(*store);
      Book(*store, "rk1", "b", day, 9);
      Book(*store, "rk2", "a", day.AddDays(1), 14);
      UsageFact in;
      in.id = "rk2-in";
      in.kind = FactKind::kCheckIn;
      in.booking_id = "rk2";
      in.resource_id = "a-hall";
      in.at = On(day.AddDays(1), 14, 30);
      in.received_at = in.at;
      ASSERT_TRUE(store->InsertFact(in, Actor::System()).ok());
      token_a_ = testing::IssueTestToken(*store, Role::kSchoolManager, "a", clock_.Now());
      token_b_ = testing::IssueTestToken(*store, Role::kSchoolManager, "b", clock_.Now());
    }
    ASSERT_TRUE(server_.Start(db_, dir_.File("server.log"))) << "schoolshare-sync did not start";
  }

  static Instant On(const CivilDate& d, int hour, int minute = 0) {
    return *Shanghai().ToInstant(d, hour * 60 + minute);
  }

  static void Book(Store& store, const std::string& id, const std::string& school, const CivilDate& day, int hour) {
    Booking b;
    b.id = id;
    b.resource_id = "a-hall";
    b.school_id = school;
    b.title = "教研活动 " + id;
    b.start = On(day, hour);
    b.end = On(day, hour + 1);
    b.status = BookingStatus::kConfirmed;
    b.code = "R" + id;
    b.created_at = b.updated_at = b.start - 7 * kDay;
    b.version = 1;
    ASSERT_TRUE(store.InsertBooking(b, Actor::System()).ok());
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

  std::unique_ptr<SyncTransport> Rest(const std::string& token, const std::string& url = "") {
    HttpTransportOptions t;
    t.base_url = url.empty() ? Url() : url;
    t.token = token;
    t.connect_timeout = std::chrono::milliseconds(500);
    return MakeHttpTransport(t);
  }

  std::unique_ptr<SyncAgent> Client(const std::string& name, const std::string& token, const Actor& actor) {
    SyncAgentOptions o;
    o.replica_path = dir_.File(name + ".db");
    o.actor = actor;
    o.synchronous_full = false;
    auto client = SyncAgent::Open(o, Rest(token));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    EXPECT_TRUE((*client)->SyncOnce().ok()) << (*client)->status().last_error;
    return std::move(client).value();
  }

  ReconciliationData View(SyncAgent& agent, Lang lang = Lang::kEn) {
    auto awaiting = agent.AwaitingServer();
    EXPECT_TRUE(awaiting.ok());
    std::optional<Result<ReconciliationData>> out;
    EXPECT_TRUE(agent
                    .WithReplica([&](Store& replica) {
                      out.emplace(BuildReconciliationView(replica, "a", month_, clock_.Now(), lang, *awaiting));
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_TRUE(out && out->ok()) << (out ? out->status().ToString() : "");
    return out && out->ok() ? std::move(*out).value() : ReconciliationData{};
  }

  SystemClock clock_;
  testing::TempDir dir_;
  std::string db_;
  std::string month_;
  std::string token_a_, token_b_;
  testing::ServerProcess server_;
  const Actor manager_a_{"device-a", Role::kSchoolManager, "a"};
  const Actor manager_b_{"device-b", Role::kSchoolManager, "b"};
};

TEST_F(ReconciliationModelTest, ResolveOfflineFirstThenSignOffAndTheMonthIsLockedEverywhere) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  auto rest_a = Rest(token_a_);

  // The list comes from the replica: both derived items, open first, reasons in the view's language.
  ReconciliationData v = View(*a, Lang::kZh);
  EXPECT_TRUE(v.month_over);
  EXPECT_FALSE(v.signed_off());
  EXPECT_EQ(v.open, 2);
  ASSERT_EQ(v.rows.size(), 2u);
  EXPECT_EQ(v.rows[0].item.id, "no_show:rk1");
  EXPECT_EQ(v.rows[0].reason_text, "预订未到");
  EXPECT_EQ(v.rows[0].booking_code, "Rrk1");
  EXPECT_EQ(v.rows[1].item.id, "late_check_in:rk2");

  // Signing off with open items is refused with the rule's words naming them.
  SignOffResult refused = SignOff(*a, rest_a.get(), "a", month_, Lang::kEn);
  EXPECT_EQ(refused.kind, SignOffResult::Kind::kOpenItems);
  EXPECT_NE(refused.message.find("still open"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("no_show:rk1"), std::string::npos) << refused.message;

  // A resolution needs a note and the owner's manager.
  ActionResult no_note = ResolveItem(*a, "no_show:rk1", "", Lang::kZh);
  EXPECT_FALSE(no_note.ok);
  EXPECT_EQ(no_note.message, "请写明处理说明（查到了什么、如何处理）");
  auto b = Client("b", token_b_, manager_b_);
  ASSERT_TRUE(b);
  ActionResult not_theirs = ResolveItem(*b, "no_show:rk1", "看过了", Lang::kEn);
  EXPECT_FALSE(not_theirs.ok);
  EXPECT_NE(not_theirs.message.find("may not"), std::string::npos) << not_theirs.message;
  EXPECT_EQ(b->ResolveReconciliation("no_show:rk1", "看过了").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(a->ResolveReconciliation("no_show:rk1", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b->status().pending, 0);
  EXPECT_EQ(a->status().pending, 0);
  EXPECT_FALSE(ResolveItem(*a, "no_show:nothing", "x", Lang::kEn).ok);

  // Resolved here: shown resolved at once, awaiting the server, the open one first.
  ASSERT_TRUE(ResolveItem(*a, "no_show:rk1", "乙校临时改期，已电话确认", Lang::kZh).ok);
  v = View(*a);
  EXPECT_EQ(v.open, 1);
  ASSERT_EQ(v.rows.size(), 2u);
  EXPECT_EQ(v.rows[0].item.id, "late_check_in:rk2");
  EXPECT_TRUE(v.rows[1].item.resolved);
  EXPECT_TRUE(v.rows[1].awaiting_server);
  EXPECT_EQ(v.rows[1].item.resolution, "乙校临时改期，已电话确认");
  ASSERT_TRUE(ResolveItem(*a, "late_check_in:rk2", "班主任会议拖堂", Lang::kZh).ok);
  EXPECT_EQ(a->status().pending, 2);

  // Offline the sign-off says so; online it pushes the resolutions first, then the server signs off.
  EXPECT_EQ(SignOff(*a, nullptr, "a", month_, Lang::kEn).kind, SignOffResult::Kind::kOffline);
  auto unreachable = Rest(token_a_, "http://127.0.0.1:1");
  SignOffResult offline = SignOff(*a, unreachable.get(), "a", month_, Lang::kZh);
  EXPECT_EQ(offline.kind, SignOffResult::Kind::kOffline);
  EXPECT_EQ(offline.message, Tr(Lang::kZh, "admin.recon.offline"));
  SignOffResult done = SignOff(*a, rest_a.get(), "a", month_, Lang::kEn);
  ASSERT_EQ(done.kind, SignOffResult::Kind::kSignedOff) << done.message;
  EXPECT_EQ(done.period.status, PeriodStatus::kSignedOff);
  EXPECT_EQ(done.period.month, month_);
  auto attention = a->NeedsAttention();
  ASSERT_TRUE(attention.ok());
  EXPECT_TRUE(attention->empty());  // the server took both resolutions, derived items included

  ASSERT_TRUE(a->SyncOnce().ok());
  v = View(*a);
  EXPECT_TRUE(v.signed_off());
  EXPECT_EQ(v.open, 0);
  for (const auto& row : v.rows) EXPECT_FALSE(row.awaiting_server) << row.item.id;

  // A device that starts afresh (a snapshot) sees the month locked and the notes.
  auto fresh = Client("a2", token_a_, Actor{"device-a2", Role::kSchoolManager, "a"});
  ASSERT_TRUE(fresh);
  EXPECT_GE(fresh->status().snapshots, 1);
  ReconciliationData seen = View(*fresh);
  EXPECT_TRUE(seen.signed_off());
  EXPECT_EQ(seen.open, 0);
  ASSERT_EQ(seen.rows.size(), 2u);
  EXPECT_EQ(seen.rows[0].item.id, "no_show:rk1");
  EXPECT_EQ(seen.rows[0].item.resolution, "乙校临时改期，已电话确认");

  // Signing off again is the same answer.
  EXPECT_EQ(SignOff(*a, rest_a.get(), "a", month_, Lang::kEn).kind, SignOffResult::Kind::kSignedOff);
}

}  // namespace
}  // namespace schoolshare::admin
