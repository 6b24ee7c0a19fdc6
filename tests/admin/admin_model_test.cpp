// The admin client's models without a window: the timeline, the booking form's live rule feedback and
// its alternatives, and the approval queue, over real replicas synced through a real schoolshare-sync
// on 127.0.0.1.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "model/booking_form.h"
#include "model/catalogue.h"
#include "model/requests.h"
#include "model/timeline.h"
#include "schoolshare/import.h"
#include "schoolshare/tokens.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare::admin {
namespace {

using namespace std::chrono_literals;
using testing::Shanghai;

// The first Monday-to-Friday at least two days ahead (a-hall asks a day's notice and opens on weekdays).
CivilDate NextWeekday() {
  CivilDate d = Shanghai().LocalDate(SystemClock().Now()).AddDays(2);
  while (d.IsoWeekday() > 5) d = d.AddDays(1);
  return d;
}

Instant On(const CivilDate& d, int hour, int minute = 0) { return *Shanghai().ToInstant(d, hour * 60 + minute); }

class AdminModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("server.db");
    {
      auto store = testing::OpenStore(db_, &clock_);
      ASSERT_TRUE(store);
      testing::SeedSmallDistrict(*store);
      for (auto [role, school, token] :
           {std::tuple{Role::kSchoolManager, "a", &token_a_}, std::tuple{Role::kSchoolManager, "b", &token_b_},
            std::tuple{Role::kDistrictAdmin, "", &token_admin_}}) {
        *token = testing::IssueTestToken(*store, role, school, clock_.Now());
        ASSERT_FALSE(token->empty());
      }
    }
    ASSERT_TRUE(server_.Start(db_, dir_.File("server.log"))) << "schoolshare-sync did not start";
  }

  std::unique_ptr<SyncAgent> Client(const std::string& name, const std::string& token, Actor actor) {
    SyncAgentOptions o;
    o.replica_path = dir_.File(name + ".db");
    o.actor = std::move(actor);
    o.synchronous_full = false;
    HttpTransportOptions t;
    t.base_url = "http://127.0.0.1:" + std::to_string(server_.port());
    t.token = token;
    auto client = SyncAgent::Open(o, MakeHttpTransport(t));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    EXPECT_TRUE((*client)->SyncOnce().ok()) << (*client)->status().last_error;
    return std::move(client).value();
  }

  template <typename Fn>
  static auto OnReplica(SyncAgent& client, Fn fn) {
    std::optional<decltype(fn(std::declval<Store&>()))> out;
    Status s = client.WithReplica([&](Store& replica) {
      out.emplace(fn(replica));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::move(out).value();
  }

  BookingForm Form(const std::string& resource, const std::string& school, Instant start, Instant end) {
    BookingForm f;
    f.id = "form-" + std::to_string(++forms_);
    f.resource_id = resource;
    f.school_id = school;
    f.organizer = "李娜";
    f.title = "联合教研";
    f.activity_type = "meeting";
    f.attendees = 60;
    f.start = start;
    f.end = end;
    return f;
  }

  SystemClock clock_;
  testing::TempDir dir_;
  std::string db_;
  std::string token_a_, token_b_, token_admin_;
  testing::ServerProcess server_;
  int forms_ = 0;
  const Actor manager_a_{"device-a", Role::kSchoolManager, "a"};
  const Actor manager_b_{"device-b", Role::kSchoolManager, "b"};
};

TEST(SnapToPeriodTest, AClickInsideAPeriodTakesThePeriodOutsideAQuarterHour) {
  School s;
  s.periods = {{1, 8 * 60, 8 * 60 + 40}, {2, 8 * 60 + 50, 9 * 60 + 30}};
  const CivilDate d{2026, 11, 24};
  Slot inside = SnapToPeriod(s, Shanghai(), On(d, 9, 7));
  EXPECT_EQ(inside.start, On(d, 8, 50));
  EXPECT_EQ(inside.end, On(d, 9, 30));
  Slot outside = SnapToPeriod(s, Shanghai(), On(d, 16, 52), 90);
  EXPECT_EQ(outside.start, On(d, 16, 45));
  EXPECT_EQ(outside.end, On(d, 18, 15));
}

TEST_F(AdminModelTest, TimelineFiltersRowsAndMarksWhatAwaitsTheServer) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  const CivilDate day = NextWeekday();
  auto mine = a->CreateBooking(Form("a-hall", "a", On(day, 9), On(day, 10)));
  ASSERT_TRUE(mine.ok() && mine->queued) << mine.status().ToString();
  TimelineQuery q;
  q.from = On(day, 0);
  q.to = On(day.AddDays(1), 0);
  q.type = ResourceType::kHall;
  auto awaiting = a->AwaitingServer();
  ASSERT_TRUE(awaiting.ok());
  auto t = OnReplica(*a, [&](Store& s) { return BuildTimeline(s, q, clock_.Now(), *awaiting); });
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<std::string> rows;
  for (const auto& r : t->rows) rows.push_back(r.resource.id);
  EXPECT_EQ(rows, (std::vector<std::string>{"a-hall", "b-hall", "c-hall"}));
  ASSERT_EQ(t->rows[0].bars.size(), 1u);
  EXPECT_TRUE(t->rows[0].bars[0].awaiting_server);
  EXPECT_EQ(t->rows[0].bars[0].status, BookingStatus::kPending);  // optimistic: never shown as confirmed

  ASSERT_TRUE(a->SyncOnce().ok());
  ASSERT_TRUE(a->SyncOnce().ok());
  awaiting = a->AwaitingServer();
  t = OnReplica(*a, [&](Store& s) { return BuildTimeline(s, q, clock_.Now(), *awaiting); });
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows[0].bars.size(), 1u);
  EXPECT_FALSE(t->rows[0].bars[0].awaiting_server);
  EXPECT_EQ(t->rows[0].bars[0].status, BookingStatus::kConfirmed);
  EXPECT_EQ(t->rows[0].bars[0].usage, UsageState::kUpcoming);

  q.type.reset();
  q.school_id = "a";
  q.shared_only = true;  // a-lab is home-only
  t = OnReplica(*a, [&](Store& s) { return BuildTimeline(s, q, clock_.Now(), {}); });
  ASSERT_TRUE(t.ok());
  for (const auto& r : t->rows) {
    EXPECT_EQ(r.resource.school_id, "a");
    EXPECT_NE(r.resource.id, "a-lab");
  }
  q.to = q.from;
  EXPECT_EQ(OnReplica(*a, [&](Store& s) { return BuildTimeline(s, q, clock_.Now()).status().code(); }),
            StatusCode::kInvalidArgument);
}

TEST_F(AdminModelTest, FormFeedbackNamesTheRuleAndTheConflictAndOffersAlternatives) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  const CivilDate day = NextWeekday();

  BookingForm empty;
  auto check = OnReplica(*a, [&](Store& s) { return CheckForm(s, clock_, manager_a_, empty, Lang::kZh); });
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok());
  std::set<std::string> fields;
  for (const auto& e : check->errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"resource_id", "school_id", "title", "end"}));
  EXPECT_EQ(check->messages.front(), "请选择场地或器材");

  auto first = a->CreateBooking(Form("a-hall", "a", On(day, 9), On(day, 11)));
  ASSERT_TRUE(first.ok() && first->queued);
  BookingForm clash = Form("a-hall", "a", On(day, 10), On(day, 12));
  check = OnReplica(*a, [&](Store& s) { return CheckForm(s, clock_, manager_a_, clash, Lang::kEn); });
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  ASSERT_FALSE(check->ok());
  ASSERT_FALSE(check->outcome.violations.empty());
  EXPECT_EQ(check->outcome.violations[0].rule, Rule::kOverlap);
  EXPECT_EQ(check->outcome.violations[0].conflicting_booking_ids, std::vector<std::string>{first->entity_id});
  ASSERT_FALSE(check->outcome.alternatives.empty());
  EXPECT_FALSE(check->messages.empty());

  // One click on an alternative gives a form the rules accept.
  BookingForm moved = WithAlternative(clash, check->outcome.alternatives.front());
  EXPECT_EQ(moved.title, clash.title);
  check = OnReplica(*a, [&](Store& s) { return CheckForm(s, clock_, manager_a_, moved, Lang::kEn); });
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << (check->messages.empty() ? "" : check->messages.front());
}

TEST_F(AdminModelTest, OwnerApprovesSeveralRequestsAndTheRequesterSeesTheOutcome) {
  auto a = Client("a", token_a_, manager_a_);
  auto b = Client("b", token_b_, manager_b_);
  ASSERT_TRUE(a && b);
  const CivilDate day = NextWeekday();
  std::vector<std::string> asked;
  for (int hour : {9, 13}) {
    auto r = b->CreateBooking(Form("a-hall", "b", On(day, hour), On(day, hour + 1)));
    ASSERT_TRUE(r.ok() && r->queued) << r.status().ToString();
    asked.push_back(r->entity_id);
  }
  ASSERT_TRUE(b->SyncOnce().ok());
  ASSERT_TRUE(a->SyncOnce().ok());

  auto queue = OnReplica(*a, [&](Store& s) { return PendingDecisions(s, manager_a_); });
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_EQ(queue->size(), 2u);
  EXPECT_EQ((*queue)[0].resource.id, "a-hall");
  // The requester does not decide its own requests.
  EXPECT_TRUE(OnReplica(*b, [&](Store& s) { return PendingDecisions(s, manager_b_); })->empty());

  auto results = DecideAll(*a, *queue, true, "", Lang::kZh);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& d : results) EXPECT_TRUE(d.queued) << d.message;
  auto awaiting = a->AwaitingServer();
  queue = OnReplica(*a, [&](Store& s) { return PendingDecisions(s, manager_a_, *awaiting); });
  ASSERT_TRUE(queue.ok());
  for (const auto& r : *queue) EXPECT_TRUE(r.awaiting_server);

  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(a->SyncOnce().ok());
    ASSERT_TRUE(b->SyncOnce().ok());
  }
  for (const auto& id : asked) {
    EXPECT_EQ(OnReplica(*b, [&](Store& s) { return s.GetBooking(id)->status; }), BookingStatus::kConfirmed);
  }
  EXPECT_TRUE(OnReplica(*a, [&](Store& s) { return PendingDecisions(s, manager_a_); })->empty());
}

TEST_F(AdminModelTest, ARejectionNeedsAReasonAndADecisionOnAChangedRequestIsRefused) {
  auto a = Client("a", token_a_, manager_a_);
  auto b = Client("b", token_b_, manager_b_);
  ASSERT_TRUE(a && b);
  const CivilDate day = NextWeekday();
  auto r = b->CreateBooking(Form("a-hall", "b", On(day, 14), On(day, 15)));
  ASSERT_TRUE(r.ok() && r->queued);
  ASSERT_TRUE(b->SyncOnce().ok());
  ASSERT_TRUE(a->SyncOnce().ok());
  auto queue = OnReplica(*a, [&](Store& s) { return PendingDecisions(s, manager_a_); });
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);

  auto no_reason = DecideAll(*a, *queue, false, "", Lang::kZh);
  ASSERT_EQ(no_reason.size(), 1u);
  EXPECT_FALSE(no_reason[0].queued);
  // Said in the manager's language: the headline of the refusal comes first.
  EXPECT_EQ(no_reason[0].message.rfind(Tr(Lang::kZh, "status.invalid_argument"), 0), 0u) << no_reason[0].message;

  // The requester cancels while the owner, offline, still approves the version it saw.
  auto cancel = b->CancelBooking(r->entity_id, "改期");
  ASSERT_TRUE(cancel.ok() && cancel->queued);
  ASSERT_TRUE(b->SyncOnce().ok());
  auto approve = DecideAll(*a, *queue, true, "", Lang::kEn);
  ASSERT_TRUE(approve[0].queued) << approve[0].message;
  ASSERT_TRUE(a->SyncOnce().ok());
  ASSERT_TRUE(a->SyncOnce().ok());
  auto attention = a->NeedsAttention();
  ASSERT_TRUE(attention.ok());
  ASSERT_EQ(attention->size(), 1u);
  EXPECT_EQ(OnReplica(*a, [&](Store& s) { return s.GetBooking(r->entity_id)->status; }), BookingStatus::kCancelled);
}

// Two bookings made while a's client had not synced: the server accepts one and refuses the other
// (b took the slot meanwhile); the timeline shows both as awaiting the server first, then the outcome,
// and the refusal waits in the attention list with the rule until the manager dismisses it.
TEST_F(AdminModelTest, OfflineBookingsAreLaterAcceptedOrRefusedAndTheUserIsTold) {
  auto a = Client("a", token_a_, manager_a_);
  auto b = Client("b", token_b_, manager_b_);
  ASSERT_TRUE(a && b);
  const CivilDate day = NextWeekday();
  auto clash = a->CreateBooking(Form("a-field", "a", On(day, 16), On(day, 17)));
  auto fine = a->CreateBooking(Form("a-field", "a", On(day, 18), On(day, 19)));
  ASSERT_TRUE(clash.ok() && clash->queued && fine.ok() && fine->queued);
  auto taken = b->CreateBooking(Form("a-field", "b", On(day, 16), On(day, 17)));
  ASSERT_TRUE(taken.ok() && taken->queued);
  ASSERT_TRUE(b->SyncOnce().ok());

  TimelineQuery q;
  q.from = On(day, 0);
  q.to = On(day.AddDays(1), 0);
  auto awaiting = a->AwaitingServer();
  ASSERT_TRUE(awaiting.ok());
  auto before = OnReplica(*a, [&](Store& s) { return BuildTimeline(s, q, clock_.Now(), *awaiting); });
  ASSERT_TRUE(before.ok());
  int waiting = 0;
  for (const auto& row : before->rows) {
    for (const auto& bar : row.bars) waiting += bar.awaiting_server ? 1 : 0;
  }
  EXPECT_EQ(waiting, 2);

  ASSERT_TRUE(a->SyncOnce().ok());
  ASSERT_TRUE(a->SyncOnce().ok());
  EXPECT_EQ(a->status().pending, 0);
  EXPECT_EQ(a->status().needs_attention, 1);
  auto attention = a->NeedsAttention();
  ASSERT_TRUE(attention.ok());
  ASSERT_EQ(attention->size(), 1u);
  EXPECT_EQ((*attention)[0].name, "create_booking");
  EXPECT_FALSE((*attention)[0].error.empty());
  EXPECT_NE((*attention)[0].args.find(clash->entity_id), std::string::npos);

  awaiting = a->AwaitingServer();
  auto after = OnReplica(*a, [&](Store& s) { return BuildTimeline(s, q, clock_.Now(), *awaiting); });
  ASSERT_TRUE(after.ok());
  std::map<std::string, BookingStatus> shown;
  for (const auto& row : after->rows) {
    for (const auto& bar : row.bars) {
      EXPECT_FALSE(bar.awaiting_server);
      shown[bar.booking_id] = bar.status;
    }
  }
  EXPECT_EQ(shown.count(clash->entity_id), 0u) << "the refused booking left the timeline";
  EXPECT_EQ(shown[fine->entity_id], BookingStatus::kConfirmed);
  EXPECT_EQ(shown[taken->entity_id], BookingStatus::kConfirmed);

  ASSERT_TRUE(a->Dismiss((*attention)[0].mutation_id).ok());
  EXPECT_TRUE(a->NeedsAttention()->empty());
}

// ---- catalogue ----

TEST_F(AdminModelTest, CatalogueListsEverySchoolWithWhatTheActorMayEdit) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  auto c = OnReplica(*a, [&](Store& s) { return BuildCatalogue(s, manager_a_, clock_.Now()); });
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->schools.size(), 3u);
  EXPECT_EQ(c->schools[0].school.id, "a");  // the manager's own school first
  EXPECT_TRUE(c->schools[0].editable);
  EXPECT_FALSE(c->Find("b")->editable);
  std::vector<std::string> ids;
  for (const Resource& r : c->Find("a")->resources) ids.push_back(r.id);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "a-hall"), ids.end());
  for (const Resource& r : c->Find("b")->resources) EXPECT_EQ(r.school_id, "b");

  const Actor district{"device-d", Role::kDistrictAdmin, ""};
  auto all = OnReplica(*a, [&](Store& s) { return BuildCatalogue(s, district, clock_.Now()); });
  ASSERT_TRUE(all.ok());
  for (const CatalogueSchool& s : all->schools) EXPECT_TRUE(s.editable) << s.school.id;
}

TEST_F(AdminModelTest, AResourceFormNamesEachBadFieldInTheUsersLanguage) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  Resource hall = *OnReplica(*a, [&](Store& s) { return s.GetResource("a-hall"); });
  ResourceForm form = EditResource(hall);
  EXPECT_EQ(form.opening_hours, "Mon-Fri 08:00-18:00");
  EXPECT_EQ(form.features, "stage; projector");
  auto fine = OnReplica(*a, [&](Store& s) { return CheckResource(s, manager_a_, form, Lang::kEn); });
  ASSERT_TRUE(fine.ok());
  EXPECT_TRUE(fine->ok()) << fine->errors[0].field << ": " << fine->errors[0].message;
  EXPECT_EQ(fine->value.opening_hours, hall.opening_hours);

  form.resource.name = "  ";
  form.resource.capacity = -5;
  form.resource.policy.weekly_cap_minutes = -1;
  form.opening_hours = "Mon 08:00-12:00; Mon 11:00-13:00";
  form.resource.parent_id = "b-hall";
  for (Lang lang : {Lang::kEn, Lang::kZh}) {
    auto bad = OnReplica(*a, [&](Store& s) { return CheckResource(s, manager_a_, form, lang); });
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(bad->ok());
    for (const char* field : {"name", "capacity", "weekly_cap_minutes", "opening_hours", "parent_id"}) {
      EXPECT_FALSE(bad->ErrorOf(field).empty()) << field;
    }
    EXPECT_EQ(bad->errors.size(), 5u);
    EXPECT_EQ(bad->ErrorOf("name"), Tr(lang, "admin.catalogue.name_missing"));
  }
  auto en = OnReplica(*a, [&](Store& s) { return CheckResource(s, manager_a_, form, Lang::kEn); });
  EXPECT_NE(en->ErrorOf("opening_hours").find("11:00-13:00"), std::string::npos) << en->ErrorOf("opening_hours");

  // Equipment needs a unit; a new resource may not take an existing id; another school's is not ours.
  ResourceForm balls = NewResource("a");
  balls.resource.id = "a-hall";
  balls.resource.name = "篮球";
  balls.resource.type = ResourceType::kEquipment;
  auto taken = OnReplica(*a, [&](Store& s) { return CheckResource(s, manager_a_, balls, Lang::kEn); });
  EXPECT_FALSE(taken->ErrorOf("id").empty());
  EXPECT_FALSE(taken->ErrorOf("quantity").empty());
  Resource theirs = *OnReplica(*a, [&](Store& s) { return s.GetResource("b-hall"); });
  auto other = OnReplica(*a, [&](Store& s) { return CheckResource(s, manager_a_, EditResource(theirs), Lang::kZh); });
  EXPECT_EQ(other->ErrorOf("school_id"), Tr(Lang::kZh, "import.permission", {{"value", "b"}}));
  ResourceForm moved = EditResource(hall);  // moving our hall to another school is not ours to do either
  moved.resource.school_id = "b";
  EXPECT_FALSE(OnReplica(*a, [&](Store& s) { return CheckResource(s, manager_a_, moved, Lang::kEn); })
                   ->ErrorOf("school_id")
                   .empty());
}

TEST_F(AdminModelTest, BlackoutStaffAndClassFormsCheckTimesNamesAndLessons) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  const CivilDate day = NextWeekday();
  BlackoutForm closed = NewBlackout("a", "a-hall", On(day, 8), Shanghai());
  closed.end = Shanghai().FormatLocal(On(day, 7));
  auto early = OnReplica(*a, [&](Store& s) { return CheckBlackout(s, manager_a_, closed, Shanghai(), Lang::kEn); });
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->ErrorOf("end"), Tr(Lang::kEn, "admin.form.end_before_start"));
  closed.start = "tomorrow morning";
  closed.end = Shanghai().FormatLocal(On(day, 12));
  closed.blackout.resource_id = "b-hall";
  auto bad = OnReplica(*a, [&](Store& s) { return CheckBlackout(s, manager_a_, closed, Shanghai(), Lang::kZh); });
  EXPECT_FALSE(bad->ErrorOf("start").empty());
  EXPECT_FALSE(bad->ErrorOf("resource_id").empty());
  EXPECT_TRUE(bad->ErrorOf("end").empty());
  closed.start = Shanghai().FormatLocal(On(day, 8));
  closed.blackout.resource_id = "a-hall";
  auto good = OnReplica(*a, [&](Store& s) { return CheckBlackout(s, manager_a_, closed, Shanghai(), Lang::kEn); });
  ASSERT_TRUE(good->ok());
  EXPECT_EQ(good->value.start, On(day, 8));
  EXPECT_EQ(good->value.end, On(day, 12));

  StaffForm nobody{{"a-t1", "a", "", "", "teacher", true}, true};
  EXPECT_FALSE(
      OnReplica(*a, [&](Store& s) { return CheckStaff(s, manager_a_, nobody, Lang::kEn); })->ErrorOf("name").empty());
  ClassForm seventh = EditClass({"a-g7-9", "a", "七年级(9)班", "", 13, -1, {}, true});
  seventh.is_new = true;
  seventh.lessons = "Mon 08:00-08:40; Blursday 09:00-09:40";
  auto k = OnReplica(*a, [&](Store& s) { return CheckClass(s, manager_a_, seventh, Lang::kEn); });
  for (const char* field : {"grade", "students", "lessons"}) EXPECT_FALSE(k->ErrorOf(field).empty()) << field;
  seventh.school_class.grade = 7;
  seventh.school_class.students = 40;
  seventh.lessons = "Mon-Fri 08:00-08:40,08:50-09:30";
  k = OnReplica(*a, [&](Store& s) { return CheckClass(s, manager_a_, seventh, Lang::kEn); });
  ASSERT_TRUE(k->ok()) << k->errors[0].message;
  EXPECT_EQ(k->value.lessons.size(), 10u);
}

// The school form: names, students, location and class periods checked as typed; the kind and the weak
// flag are the district office's (a manager's change is an error on that field, the district's is not).
TEST_F(AdminModelTest, ASchoolFormChecksPeriodsAndLeavesTheWeakFlagToTheDistrict) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  School school = *OnReplica(*a, [&](Store& s) { return s.GetSchool("a"); });
  school.periods = {{2, 530, 570}, {1, 480, 520}};
  SchoolForm form = EditSchool(school);
  EXPECT_EQ(form.periods.find(";"), std::string::npos) << "one period a line";
  EXPECT_EQ(form.periods.substr(0, 14), "1=08:00-08:40\n");
  auto fine = OnReplica(*a, [&](Store& s) { return CheckSchool(s, manager_a_, form, Lang::kEn); });
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_TRUE(fine->ok()) << fine->errors[0].field << ": " << fine->errors[0].message;

  form.periods = "1=08:00-08:45; 2=08:40-09:20";
  form.school.students = -3;
  form.school.location.lat = 123;
  form.school.weak = !school.weak;
  form.school.name = " ";
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    auto bad = OnReplica(*a, [&](Store& s) { return CheckSchool(s, manager_a_, form, lang); });
    ASSERT_TRUE(bad.ok());
    for (const char* field : {"periods", "students", "lat", "weak", "name"}) {
      EXPECT_FALSE(bad->ErrorOf(field).empty()) << field;
    }
    EXPECT_EQ(bad->errors.size(), 5u);
    EXPECT_EQ(bad->ErrorOf("periods"), Tr(lang, "import.periods.overlap", {{"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(bad->ErrorOf("weak"), Tr(lang, "admin.catalogue.district_only"));
  }
  const Actor district{"device-d", Role::kDistrictAdmin, ""};
  form.periods = "2=08:50-09:30;1=08:00-08:40";
  form.school.students = 900;
  form.school.location.lat = 23.1;
  form.school.name = school.name;
  auto designated = OnReplica(*a, [&](Store& s) { return CheckSchool(s, district, form, Lang::kEn); });
  ASSERT_TRUE(designated->ok()) << designated->errors[0].field << ": " << designated->errors[0].message;
  EXPECT_EQ(designated->value.periods, (std::vector<ClassPeriod>{{1, 480, 520}, {2, 530, 570}}));
  EXPECT_EQ(designated->value.weak, !school.weak);
  auto theirs =
      OnReplica(*a, [&](Store& s) { return CheckSchool(s, manager_a_, EditSchool(*s.GetSchool("b")), Lang::kEn); });
  EXPECT_FALSE(theirs->ErrorOf("school_id").empty());

  form.school.weak = school.weak;
  auto mine = OnReplica(*a, [&](Store& s) { return CheckSchool(s, manager_a_, form, Lang::kEn); });
  ASSERT_TRUE(mine->ok()) << mine->errors[0].message;
  auto saved = a->PutSchool(mine->value);
  ASSERT_TRUE(saved.ok() && saved->queued) << saved.status().ToString();
  ASSERT_TRUE(a->SyncOnce().ok()) << a->status().last_error;
  EXPECT_TRUE(a->NeedsAttention()->empty());
  auto b = Client("b", token_b_, manager_b_);
  ASSERT_TRUE(b);
  EXPECT_EQ(OnReplica(*b, [&](Store& s) { return s.GetSchool("a"); })->students, 900);
}

// An edit saved while offline waits for the server; the one the server refuses is listed for the user
// in their language, and the replica shows the server's row again.
TEST_F(AdminModelTest, OfflineCatalogueEditsAreAcceptedOrShownAsRefused) {
  auto a = Client("a", token_a_, manager_a_);
  ASSERT_TRUE(a);
  ClassForm form = EditClass({"a-g9-1", "a", "九年级(1)班", "Grade 9 Class 1", 9, 48, {}, true});
  form.is_new = true;
  form.lessons = "Tue 10:00-10:40";
  auto checked = OnReplica(*a, [&](Store& s) { return CheckClass(s, manager_a_, form, Lang::kZh); });
  ASSERT_TRUE(checked.ok() && checked->ok());
  auto saved = a->PutClass(checked->value);
  ASSERT_TRUE(saved.ok() && saved->queued) << saved.status().ToString();
  EXPECT_TRUE(a->AwaitingServer()->count("a-g9-1"));
  Resource theirs = *OnReplica(*a, [&](Store& s) { return s.GetResource("b-hall"); });
  theirs.name_en = "Renamed by A";
  CreateLocalOptions blind;
  blind.judge_locally = false;
  auto refused = a->PutResource(theirs, blind);
  ASSERT_TRUE(refused.ok() && refused->queued);

  ASSERT_TRUE(a->SyncOnce().ok()) << a->status().last_error;
  EXPECT_FALSE(a->AwaitingServer()->count("a-g9-1"));
  auto b = Client("b", token_b_, manager_b_);
  ASSERT_TRUE(b);
  EXPECT_EQ(OnReplica(*b, [&](Store& s) { return s.GetClass("a-g9-1"); })->lessons.size(), 1u);
  EXPECT_EQ(OnReplica(*a, [&](Store& s) { return s.GetResource("b-hall"); })->name_en, "");

  auto attention = a->NeedsAttention();
  ASSERT_TRUE(attention.ok());
  auto edits = RefusedEdits(*attention, Lang::kEn);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].mutation_id, refused->mutation_id);
  EXPECT_EQ(edits[0].what, "Edit of resource \"Renamed by A\"");
  EXPECT_FALSE(edits[0].reason.empty());
}

}  // namespace
}  // namespace schoolshare::admin
