// The kiosk model against a real schoolshare-sync on 127.0.0.1: check-ins made while the server is
// stopped reach it exactly once after it restarts; the status bar says offline, online and a bad token.
#include <gtest/gtest.h>

#include "kiosk/kiosk_fixture.h"
#include "schoolshare/tokens.h"
#include "sync/server_process.h"

namespace schoolshare::kiosk {
namespace {

class KioskSyncTest : public KioskFixture {
 protected:
  void SetUp() override {
    // The server's database holds what the replica was seeded with (same district, same bookings).
    server_db_ = dir_.File("server.db");
    std::string server_code;
    SeedReplica(server_db_, &server_code);
    {
      auto store = testing::OpenStore(server_db_, nullptr);
      ASSERT_TRUE(store);
      auto t = IssueToken(*store, Role::kKiosk, "a", "gate", Actor::System(), SystemClock().Now());
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      token_ = t->token;
    }
    ASSERT_TRUE(server_.Start(server_db_, dir_.File("server.log")));
    replica_ = dir_.File("kiosk.db");  // empty: everything comes from the server
    OpenKiosk(token_, Url());
  }
  void TearDown() override {
    if (agent_) agent_->Stop();
    server_.Stop();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

  // The code of school b's booking on a-field as the replica holds it (drawn by the server).
  std::string FieldCode() {
    std::string code;
    EXPECT_TRUE(agent_
                    ->WithReplica([&](Store& s) {
                      SS_ASSIGN_OR_RETURN(auto bookings, s.ListBookings({}));
                      for (const auto& b : bookings) {
                        if (b.resource_id == "a-field") code = b.code;
                      }
                      return Status::Ok();
                    })
                    .ok());
    return code;
  }

  // The server's facts of `kind` for the booking with `code`.
  int ServerFacts(FactKind kind) {
    auto store = testing::OpenStore(server_db_, nullptr);
    auto b = store->FindBookingByCode(code_);
    EXPECT_TRUE(b.ok());
    FactFilter f;
    f.booking_id = b->id;
    auto facts = store->ListFacts(f);
    EXPECT_TRUE(facts.ok());
    return static_cast<int>(
        std::count_if(facts->begin(), facts->end(), [&](const UsageFact& x) { return x.kind == kind; }));
  }

  std::string server_db_;
  std::string token_;
  testing::ServerProcess server_;
};

TEST_F(KioskSyncTest, CheckInsWhileTheServerIsDownArriveOnceAfterItRestarts) {
  ASSERT_TRUE(agent_->SyncOnce().ok());
  Do(act::Tick{clock_.Now()});
  EXPECT_TRUE(state_.sync.online);
  EXPECT_GT(state_.sync.last_sync, 0);
  EXPECT_EQ(state_.school_name, "甲校");
  // The code in the replica came from the server (the server's booking codes were drawn there).
  code_ = FieldCode();
  ASSERT_FALSE(code_.empty());

  transport_->Point("");  // the network drops
  ASSERT_EQ(server_.Stop(), 0);
  Do(act::GoTo{Screen::kCheckIn});
  Type(code_);
  Do(act::Submit{});
  ASSERT_TRUE(state_.checkin.booking) << Said();
  Do(act::ConfirmCheck{});
  Do(act::GoTo{Screen::kEquipment});
  Do(act::PickItem{"a-balls"});
  Do(act::HandOut{});
  EXPECT_FALSE(agent_->SyncOnce().ok());
  Do(act::Tick{clock_.Now()});
  EXPECT_FALSE(state_.sync.online);
  EXPECT_EQ(state_.sync.pending, 2);
  EXPECT_EQ(state_.sync.problem, "kiosk.unreachable");

  ASSERT_TRUE(server_.Start(server_db_, dir_.File("server.log")));  // back, on a new port
  transport_->Point(Url());
  ASSERT_TRUE(agent_->SyncOnce().ok());
  ASSERT_TRUE(agent_->SyncOnce().ok());  // a second round sends nothing again
  Do(act::Tick{clock_.Now()});
  EXPECT_TRUE(state_.sync.online);
  EXPECT_EQ(state_.sync.pending, 0);
  EXPECT_TRUE(state_.sync.problem.empty());
  EXPECT_EQ(ServerFacts(FactKind::kCheckIn), 1);
  // After the rebase the replica holds the server's fact once: a second check-in is still a double.
  Do(act::GoTo{Screen::kCheckIn});
  Type(code_);
  Do(act::Submit{});
  EXPECT_EQ(state_.message.key, "kiosk.checkin.already_in");
}

// The fields the kiosk sets (override_by on a check-in, returned_by on a partial return) are pushed to the
// server, stored there, and come back to the replica by the pull.
TEST_F(KioskSyncTest, OverrideAndReturnerReachTheServerAsFields) {
  ASSERT_TRUE(agent_->SyncOnce().ok());
  Do(act::Tick{clock_.Now()});
  code_ = FieldCode();
  ASSERT_FALSE(code_.empty());
  At("2026-11-24 09:20");  // 40 min early: the server flags it too
  Do(act::GoTo{Screen::kCheckIn});
  Type(code_);
  Do(act::Submit{});
  ASSERT_TRUE(state_.checkin.outside) << Said();
  Do(act::StartOverride{});
  Type(ctx_.config.admin_pin);
  Do(act::Submit{});
  Do(act::PickOverrideStaff{0});
  Do(act::ConfirmCheck{});
  ASSERT_EQ(state_.message.key, "kiosk.checkin.done_override") << Said();
  HandOutAndReturnAllButOne(4, "王老师");
  ASSERT_TRUE(agent_->SyncOnce().ok());
  ASSERT_TRUE(agent_->SyncOnce().ok());
  {
    auto store = testing::OpenStore(server_db_, nullptr);
    auto facts = store->ListFacts({});
    ASSERT_TRUE(facts.ok());
    int checked = 0;
    for (const auto& f : *facts) {
      if (f.kind == FactKind::kCheckIn) {
        EXPECT_EQ(f.override_by, "a-wang");
        EXPECT_NE(f.flag.find("outside_window"), std::string::npos) << f.flag;
        ++checked;
      }
      if (f.kind == FactKind::kReturn) {
        EXPECT_EQ(f.returned_by, "王老师");
        EXPECT_EQ(f.quantity, 3);
        ++checked;
      }
    }
    EXPECT_EQ(checked, 2);
    auto items = store->ListReconciliationItems("a", false);
    ASSERT_TRUE(items.ok()) << items.status().ToString();
    bool named = false;
    for (const auto& i : *items) named |= i.reason == "outside_window" && i.detail.find("a-wang") != std::string::npos;
    EXPECT_TRUE(named) << "the manager's item says who allowed it";
  }
  // The replica, rebased on the server's facts, still shows who returned the part.
  clock_.Advance(kMinute);
  Do(act::Tick{clock_.Now()});
  ASSERT_EQ(state_.equipment.loans.size(), 1u);
  EXPECT_EQ(state_.equipment.loans[0].quantity, 1);
  EXPECT_EQ(state_.equipment.loans[0].returned_by, "王老师");
}

TEST_F(KioskSyncTest, ABadTokenIsShownNotCrashed) {
  OpenKiosk("ss_not_a_real_token", Url());
  EXPECT_FALSE(agent_->SyncOnce().ok());
  Do(act::Tick{clock_.Now()});
  EXPECT_EQ(state_.sync.problem, "kiosk.bad_token");
  EXPECT_FALSE(RenderMessage({state_.sync.problem, {}, {}, std::nullopt, true}, Lang::kZh).empty());
}

}  // namespace
}  // namespace schoolshare::kiosk
