// End to end over a real schoolshare-sync on 127.0.0.1, the way the district uses it: school b's manager
// requests a's pitch in b's admin client, a's manager approves it in a's, a's gate kiosk checks the group
// in and out, and the month's reconciliation and sharing ledger on the server show the booking as used,
// with nothing to resolve.
#include <gtest/gtest.h>

#include <cstdio>

#include "model/booking_form.h"
#include "model/kiosk_model.h"
#include "model/requests.h"
#include "schoolshare/reports.h"
#include "sync/server_process.h"
#include "testutil.h"

namespace schoolshare {
namespace {

using testing::Shanghai;

class AdminEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("server.db");
    {
      auto store = testing::OpenStore(db_, &clock_);
      ASSERT_TRUE(store);
      testing::SeedSmallDistrict(*store);
      // The pitch asks its owner's approval for this test.
      auto field = store->GetResource("a-field");
      ASSERT_TRUE(field.ok());
      field->policy.approval = ApprovalMode::kOwner;
      ASSERT_TRUE(store->PutResource(*field, Actor::System()).ok());
      token_a_ = testing::IssueTestToken(*store, Role::kSchoolManager, "a", clock_.Now());
      token_b_ = testing::IssueTestToken(*store, Role::kSchoolManager, "b", clock_.Now());
      token_kiosk_ = testing::IssueTestToken(*store, Role::kKiosk, "a", clock_.Now());
    }
    ASSERT_TRUE(server_.Start(db_, dir_.File("server.log"))) << "schoolshare-sync did not start";
  }

  std::unique_ptr<SyncAgent> Client(const std::string& name, const std::string& token, Actor actor,
                                    const Clock* device_clock = nullptr) {
    SyncAgentOptions o;
    o.replica_path = dir_.File(name + ".db");
    o.actor = std::move(actor);
    o.synchronous_full = false;
    o.device_clock = device_clock;
    HttpTransportOptions t;
    t.base_url = "http://127.0.0.1:" + std::to_string(server_.port());
    t.token = token;
    auto client = SyncAgent::Open(o, MakeHttpTransport(t));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    EXPECT_TRUE((*client)->SyncOnce().ok()) << (*client)->status().last_error;
    return std::move(client).value();
  }

  SystemClock clock_;
  testing::TempDir dir_;
  std::string db_, token_a_, token_b_, token_kiosk_;
  testing::ServerProcess server_;
};

TEST_F(AdminEndToEndTest, RequestApproveCheckInAndReconcile) {
  const Actor manager_a{"device-a", Role::kSchoolManager, "a"};
  const Actor manager_b{"device-b", Role::kSchoolManager, "b"};
  auto a = Client("admin-a", token_a_, manager_a);
  auto b = Client("admin-b", token_b_, manager_b);
  ASSERT_TRUE(a && b);

  // b's manager fills the form two days ahead, 10:00-11:00; the rules say it waits for a's approval.
  const CivilDate day = Shanghai().LocalDate(clock_.Now()).AddDays(2);
  admin::BookingForm form;
  form.id = "e2e-request";
  form.resource_id = "a-field";
  form.school_id = "b";
  form.organizer = "李娜";
  form.title = "乙校足球训练";
  form.activity_type = "sports";
  form.attendees = 30;
  form.start = *Shanghai().ToInstant(day, 10 * 60);
  form.end = *Shanghai().ToInstant(day, 11 * 60);
  Result<admin::FormCheck> check = Status::Internal("not checked");
  ASSERT_TRUE(b->WithReplica([&](Store& s) {
                 check = admin::CheckForm(s, clock_, manager_b, form, Lang::kEn);
                 return Status::Ok();
               }).ok());
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  ASSERT_TRUE(check->ok()) << (check->messages.empty() ? "" : check->messages[0]);
  EXPECT_EQ(check->outcome.booking.status, BookingStatus::kPending);
  auto queued = b->CreateBooking(form);
  ASSERT_TRUE(queued.ok() && queued->queued);
  ASSERT_TRUE(b->SyncOnce().ok());

  // a's manager sees it in the queue and approves it.
  ASSERT_TRUE(a->SyncOnce().ok());
  std::vector<admin::PendingRequest> queue;
  ASSERT_TRUE(a->WithReplica([&](Store& s) {
                 SS_ASSIGN_OR_RETURN(queue, admin::PendingDecisions(s, manager_a));
                 return Status::Ok();
               }).ok());
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].booking.id, "e2e-request");
  const auto decided = admin::DecideAll(*a, queue, true, "", Lang::kZh);
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_TRUE(decided[0].queued) << decided[0].message;
  ASSERT_TRUE(a->SyncOnce().ok());

  // b's client learns the outcome and the server's booking code.
  ASSERT_TRUE(b->SyncOnce().ok());
  Booking booked;
  ASSERT_TRUE(b->WithReplica([&](Store& s) {
                 SS_ASSIGN_OR_RETURN(booked, s.GetBooking("e2e-request"));
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(booked.status, BookingStatus::kConfirmed);
  ASSERT_FALSE(booked.code.empty());
  ASSERT_NE(booked.code[0], '~') << "still the local placeholder code";

  // The gate kiosk at a, on the day: the group checks in at 09:58 and out at 10:58.
  ManualClock gate(*Shanghai().ToInstant(day, 9 * 60 + 58));
  auto kiosk_agent = Client("kiosk", token_kiosk_, {"kiosk-a", Role::kKiosk, "a"}, &gate);
  ASSERT_TRUE(kiosk_agent);
  kiosk::KioskContext ctx;
  ctx.agent = kiosk_agent.get();
  ctx.clock = &gate;
  ctx.config.server = "http://127.0.0.1:" + std::to_string(server_.port());
  ctx.config.token = token_kiosk_;
  ctx.config.school_id = "a";
  kiosk::KioskState st = kiosk::InitialState(ctx);
  auto check_with_code = [&](bool out) {
    kiosk::Update(st, kiosk::act::GoTo{kiosk::Screen::kCheckIn}, ctx);
    if (out) kiosk::Update(st, kiosk::act::SetCheckOut{true}, ctx);
    for (char c : booked.code) kiosk::Update(st, kiosk::act::KeyChar{c}, ctx);
    kiosk::Update(st, kiosk::act::Submit{}, ctx);
    ASSERT_TRUE(st.checkin.booking) << RenderMessage(st.message, Lang::kEn);
    kiosk::Update(st, kiosk::act::ConfirmCheck{}, ctx);
    EXPECT_FALSE(st.message.error) << RenderMessage(st.message, Lang::kEn);
  };
  check_with_code(false);
  gate.Set(*Shanghai().ToInstant(day, 10 * 60 + 58));
  check_with_code(true);
  ASSERT_TRUE(kiosk_agent->SyncOnce().ok()) << kiosk_agent->status().last_error;
  EXPECT_EQ(kiosk_agent->status().pending, 0);

  // The server's month: the booking is reconciled (checked in and out, nothing to resolve) and the
  // ledger counts b's hour at a as used.
  auto store = testing::OpenStore(db_, &clock_);
  ASSERT_TRUE(store);
  char month[8];
  std::snprintf(month, sizeof month, "%04d-%02d", day.year, day.month);
  auto rec = BuildReconciliation(*store, "a", month, clock_.Now());
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  const auto line = std::find_if(rec->lines.begin(), rec->lines.end(),
                                 [](const ReconciliationLine& l) { return l.booking.id == "e2e-request"; });
  ASSERT_NE(line, rec->lines.end());
  EXPECT_EQ(line->checked_in, *Shanghai().ToInstant(day, 9 * 60 + 58));
  EXPECT_EQ(line->checked_out, *Shanghai().ToInstant(day, 10 * 60 + 58));
  for (const auto& item : rec->items) {
    EXPECT_EQ(item.id.find("e2e-request"), std::string::npos) << "unexpected item " << item.id;
  }
  auto from = Shanghai().ToInstant(day, 0), to = Shanghai().ToInstant(day.AddDays(1), 0);
  auto ledger = BuildSharingLedger(*store, "d1", *from, *to);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  const auto cell = std::find_if(ledger->cells.begin(), ledger->cells.end(), [](const LedgerCell& c) {
    return c.owner_school_id == "a" && c.borrower_school_id == "b";
  });
  ASSERT_NE(cell, ledger->cells.end());
  EXPECT_DOUBLE_EQ(cell->hours, 1.0);
  EXPECT_NEAR(cell->used_hours, 1.0, 0.05);
}

}  // namespace
}  // namespace schoolshare
