// A kiosk model over a SyncAgent whose replica holds the small district and two bookings on
// 2026-11-24 (Tuesday): school b on a-field 10:00-11:00, and school a's own 王老师 on a-hall 14:00-15:00;
// school a has one teacher (王老师) and one class (七年级(3)班).
// The agent's transport can be pointed at a real server or at nothing (offline).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "model/kiosk_model.h"
#include "schoolshare/booking_service.h"
#include "sync/switchable_transport.h"
#include "testutil.h"

namespace schoolshare::kiosk {

class KioskFixture : public ::testing::Test {
 protected:
  // Seeds `path` as a replica would hold it: the small district and the two bookings.
  static void SeedReplica(const std::string& path, std::string* field_code) {
    ManualClock seed(testing::At("2026-11-20 09:00"));
    auto store = testing::OpenStore(path, &seed);
    ASSERT_TRUE(store);
    testing::SeedSmallDistrict(*store);
    StaffMember teacher{"a-wang", "a", "王老师", "Ms. Wang", "pe_teacher", true};
    ASSERT_TRUE(store->PutStaff(teacher, Actor::System()).ok());
    SchoolClass klass{"a-7-3", "a", "七年级(3)班", "Grade 7 Class 3", 7, 40, {}, true};
    ASSERT_TRUE(store->PutClass(klass, Actor::System()).ok());
    BookingService service(*store, seed);
    BookingRequest r;
    r.resource_id = "a-field";
    r.school_id = "b";
    r.organizer = "李娜";
    r.title = "乙校足球训练";
    r.attendees = 30;
    r.start = testing::At("2026-11-24 10:00");
    r.end = testing::At("2026-11-24 11:00");
    auto out = service.Create(r, Actor::System());
    ASSERT_TRUE(out.ok() && out->accepted) << (out.ok() ? "refused" : out.status().ToString());
    ASSERT_EQ(out->booking.status, BookingStatus::kConfirmed);
    *field_code = out->booking.code;
    r.resource_id = "a-hall";
    r.school_id = "a";
    r.organizer = "王老师";
    r.title = "甲校年级会";
    r.start = testing::At("2026-11-24 14:00");
    r.end = testing::At("2026-11-24 15:00");
    out = service.Create(r, Actor::System());
    ASSERT_TRUE(out.ok() && out->accepted);
  }

  void SetUp() override {
    replica_ = dir_.File("kiosk.db");
    SeedReplica(replica_, &code_);
    OpenKiosk("ss_test", "");
  }

  void OpenKiosk(const std::string& token, const std::string& url) {
    ctx_.agent = nullptr;
    agent_.reset();
    auto transport = std::make_unique<testing::SwitchableTransport>(token);
    transport_ = transport.get();
    transport_->Point(url);
    SyncAgentOptions o;
    o.replica_path = replica_;
    o.actor = {"kiosk-a", Role::kKiosk, "a"};
    o.device_clock = &clock_;
    o.synchronous_full = false;
    o.initial_backoff = std::chrono::milliseconds(10);
    o.max_backoff = std::chrono::milliseconds(20);
    auto agent = SyncAgent::Open(o, std::move(transport));
    ASSERT_TRUE(agent.ok()) << agent.status().ToString();
    agent_ = std::move(agent).value();
    ctx_.agent = agent_.get();
    ctx_.clock = &clock_;
    ctx_.config.server = url.empty() ? "http://127.0.0.1:9" : url;
    ctx_.config.token = token;
    ctx_.config.school_id = "a";
    ctx_.config_path = dir_.File("kiosk.json");
    state_ = InitialState(ctx_);
  }

  void Do(const Action& a) { Update(state_, a, ctx_); }
  void Type(const std::string& text) {
    for (char c : text) Do(act::KeyChar{c});
  }
  void At(const std::string& local) { clock_.Set(testing::At(local)); }
  // Hands out `n` balls as a walk-in, then `who` returns all but one of them (a partial return).
  void HandOutAndReturnAllButOne(int n, const std::string& who) {
    Do(act::GoTo{Screen::kEquipment});
    Do(act::PickItem{"a-balls"});
    Do(act::StepQuantity{n - 1});
    Do(act::HandOut{});
    Do(act::PickLoan{0});
    Do(act::StepReturnQuantity{-1});
    Do(act::SetReturner{who});
    Do(act::Return{});
    ASSERT_EQ(state_.message.key, "kiosk.equipment.done_partial") << RenderMessage(state_.message, Lang::kEn);
  }

  // The facts of one kind in the replica.
  std::vector<UsageFact> Facts(FactKind kind) {
    std::vector<UsageFact> out;
    EXPECT_TRUE(agent_
                    ->WithReplica([&](Store& s) {
                      SS_ASSIGN_OR_RETURN(auto facts, s.ListFacts({}));
                      for (const auto& f : facts) {
                        if (f.kind == kind) out.push_back(f);
                      }
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  std::string Said() const { return RenderMessage(state_.message, Lang::kEn); }

  testing::TempDir dir_;
  ManualClock clock_{testing::At("2026-11-24 09:50")};
  std::string replica_;
  std::string code_;
  testing::SwitchableTransport* transport_ = nullptr;
  std::unique_ptr<SyncAgent> agent_;
  KioskContext ctx_;
  KioskState state_;
};

}  // namespace schoolshare::kiosk
