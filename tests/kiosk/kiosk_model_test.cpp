// Every kiosk flow through the model, with no window and no server: the agent's transport is offline,
// so every fact is queued in the outbox.
#include <gtest/gtest.h>

#include <fstream>

#include "kiosk/kiosk_fixture.h"
#include "model/config.h"
#include "schoolshare/ids.h"
#include "schoolshare/json.h"

namespace schoolshare::kiosk {
namespace {

class KioskModelTest : public KioskFixture {
 protected:
  void CheckIn(const std::string& code) {
    Do(act::GoTo{Screen::kCheckIn});
    Type(code);
    Do(act::Submit{});
  }
};

TEST_F(KioskModelTest, HomeShowsNowAndNextWithUsage) {
  EXPECT_EQ(state_.school_name, "甲校");
  ASSERT_FALSE(state_.venues.empty());
  const auto field = std::find_if(state_.venues.begin(), state_.venues.end(),
                                  [](const VenueRow& v) { return v.resource_id == "a-field"; });
  ASSERT_NE(field, state_.venues.end());
  EXPECT_FALSE(field->now);
  ASSERT_TRUE(field->next);
  EXPECT_EQ(field->next->usage, UsageState::kUpcoming);
  EXPECT_EQ(field->next->school_name, "乙校");
  for (const auto& v : state_.venues) EXPECT_NE(v.resource_id, "a-lab") << "home-only venues are not shown";
  At("2026-11-24 10:05");
  Do(act::Tick{clock_.Now()});
  for (const auto& v : state_.venues) {
    if (v.resource_id != "a-field") continue;
    ASSERT_TRUE(v.now);
    EXPECT_EQ(v.now->usage, UsageState::kWaiting);
    EXPECT_FALSE(v.free_now);
  }
  At("2026-11-24 10:20");  // past the grace period without a check-in: released
  Do(act::Tick{clock_.Now()});
  for (const auto& v : state_.venues) {
    if (v.resource_id != "a-field") continue;
    ASSERT_TRUE(v.now);
    EXPECT_EQ(v.now->usage, UsageState::kNoShow);
    EXPECT_TRUE(v.free_now);
  }
}

TEST_F(KioskModelTest, CheckInInsideTheWindowIsQueued) {
  CheckIn(code_);
  ASSERT_TRUE(state_.checkin.booking) << Said();
  EXPECT_EQ(state_.checkin.booking->title, "乙校足球训练");
  EXPECT_TRUE(Facts(FactKind::kCheckIn).empty()) << "nothing is recorded before the confirmation";
  Do(act::ConfirmCheck{});
  EXPECT_EQ(state_.message.key, "kiosk.checkin.done_in");
  EXPECT_FALSE(state_.message.error);
  const auto facts = Facts(FactKind::kCheckIn);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].resource_id, "a-field");
  EXPECT_EQ(state_.sync.pending, 1);
  EXPECT_FALSE(state_.sync.online);
}

TEST_F(KioskModelTest, ScannerCodeAndEnterConfirmInLowerCaseWithDash) {
  Do(act::GoTo{Screen::kCheckIn});
  std::string typed = code_.substr(0, 3) + "-" + code_.substr(3);
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Type(typed);
  Do(act::Submit{});
  ASSERT_TRUE(state_.checkin.booking) << Said();
  Do(act::Submit{});  // the scanner's Enter on the confirmation confirms
  EXPECT_EQ(Facts(FactKind::kCheckIn).size(), 1u);
}

TEST_F(KioskModelTest, CheckInOutsideTheWindowIsExplained) {
  At("2026-11-24 09:40");
  CheckIn(code_);
  EXPECT_FALSE(state_.checkin.booking);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.too_early");
  EXPECT_NE(Said().find("09:45"), std::string::npos) << Said();
  At("2026-11-24 10:16");
  CheckIn(code_);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.too_late");
  EXPECT_NE(Said().find("10:15"), std::string::npos) << Said();
  At("2026-11-24 11:00");
  CheckIn(code_);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.ended");
  EXPECT_TRUE(Facts(FactKind::kCheckIn).empty());
  At("2026-11-24 10:15");  // the last second of the window
  CheckIn(code_);
  EXPECT_TRUE(state_.checkin.booking) << Said();
}

TEST_F(KioskModelTest, StaffOverrideChecksInOutsideTheWindowAndSaysWho) {
  At("2026-11-24 09:30");
  CheckIn(code_);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.too_early");
  EXPECT_FALSE(state_.checkin.booking);
  ASSERT_TRUE(state_.checkin.outside) << "the refused booking is kept for an override";
  Do(act::ConfirmCheck{});
  EXPECT_TRUE(Facts(FactKind::kCheckIn).empty()) << "nothing to confirm without the override";
  Do(act::StartOverride{});
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kPin);
  Type("1111");
  EXPECT_EQ(state_.checkin.pin_typed, "1111") << "the keypad types the PIN, not the code";
  Do(act::Submit{});
  EXPECT_EQ(state_.message.key, "kiosk.setup.bad_pin");
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kPin);
  Do(act::PickOverrideStaff{0});
  EXPECT_FALSE(state_.checkin.booking) << "no staff pick before the PIN";
  Type(ctx_.config.admin_pin);
  Do(act::Submit{});
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kPickStaff);
  ASSERT_EQ(state_.walkin.staff_ids, std::vector<std::string>{"a-wang"});
  Do(act::PickOverrideStaff{3});
  EXPECT_FALSE(state_.checkin.booking) << "out of range";
  Do(act::PickOverrideStaff{0});
  ASSERT_TRUE(state_.checkin.booking);
  EXPECT_EQ(state_.checkin.override_by, "a-wang");
  EXPECT_EQ(state_.checkin.override_name, "王老师");
  Do(act::ConfirmCheck{});
  EXPECT_EQ(state_.message.key, "kiosk.checkin.done_override");
  EXPECT_NE(Said().find("allowed by 王老师"), std::string::npos) << Said();
  const auto facts = Facts(FactKind::kCheckIn);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].override_by, "a-wang") << "a field of the fact, carried by the queued mutation";
  EXPECT_EQ(facts[0].at, testing::At("2026-11-24 09:30"));
  EXPECT_FALSE(state_.checkin.outside);
  EXPECT_TRUE(state_.checkin.override_by.empty());
}

TEST_F(KioskModelTest, OverrideOnlyForTheWindowAndDroppedByANewCode) {
  At("2026-11-24 10:30");
  CheckIn(code_);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.too_late");
  ASSERT_TRUE(state_.checkin.outside);
  Do(act::StartOverride{});
  Type(ctx_.config.admin_pin);
  Do(act::Submit{});
  ASSERT_EQ(state_.checkin.override_step, OverrideStep::kPickStaff);
  Type("A");  // typing a code again starts over
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kNone);
  EXPECT_FALSE(state_.checkin.outside);
  Do(act::ClearTyped{});
  Type(code_);
  Do(act::Submit{});
  ASSERT_TRUE(state_.checkin.outside);
  Do(act::StartOverride{});
  Do(act::ClearTyped{});  // clears the PIN only
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kPin);
  Do(act::SetCheckOut{false});  // Cancel
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kNone);
  EXPECT_FALSE(state_.checkin.outside);
  At("2026-11-24 11:05");
  CheckIn(code_);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.ended");
  EXPECT_FALSE(state_.checkin.outside) << "a booking that ended cannot be checked in, even by staff";
  Do(act::StartOverride{});
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kNone);
  Do(act::SetCheckOut{true});
  Type(code_);
  Do(act::Submit{});
  Do(act::StartOverride{});
  EXPECT_EQ(state_.checkin.override_step, OverrideStep::kNone) << "check-out has no window to override";
  EXPECT_TRUE(Facts(FactKind::kCheckIn).empty());
}

TEST_F(KioskModelTest, UnknownAndMalformedCodes) {
  std::string unknown = "ABCDEF";
  if (unknown == code_) unknown = "ABCDEG";
  CheckIn(unknown);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.unknown");
  EXPECT_TRUE(state_.message.error);
  CheckIn("O0I1");
  EXPECT_EQ(state_.message.key, "kiosk.checkin.bad_code");
  EXPECT_TRUE(Facts(FactKind::kCheckIn).empty());
}

TEST_F(KioskModelTest, DoubleCheckInIsExplained) {
  CheckIn(code_);
  Do(act::ConfirmCheck{});
  At("2026-11-24 09:55");
  CheckIn(code_);
  EXPECT_FALSE(state_.checkin.booking);
  EXPECT_EQ(state_.message.key, "kiosk.checkin.already_in");
  EXPECT_NE(Said().find("09:50"), std::string::npos) << Said();
  EXPECT_EQ(Facts(FactKind::kCheckIn).size(), 1u);
}

TEST_F(KioskModelTest, CheckOut) {
  Do(act::GoTo{Screen::kCheckIn});
  Do(act::SetCheckOut{true});
  Type(code_);
  Do(act::Submit{});
  EXPECT_EQ(state_.message.key, "kiosk.checkin.not_in");
  CheckIn(code_);
  Do(act::ConfirmCheck{});
  At("2026-11-24 10:58");
  Do(act::GoTo{Screen::kCheckIn});
  Do(act::SetCheckOut{true});
  Type(code_);
  Do(act::Submit{});
  ASSERT_TRUE(state_.checkin.booking) << Said();
  Do(act::ConfirmCheck{});
  EXPECT_EQ(state_.message.key, "kiosk.checkin.done_out");
  EXPECT_EQ(Facts(FactKind::kCheckOut).size(), 1u);
  Do(act::SetCheckOut{true});
  Type(code_);
  Do(act::Submit{});
  EXPECT_EQ(state_.message.key, "kiosk.checkin.already_out");
  for (const auto& v : state_.venues) {
    if (v.resource_id == "a-field") {
      ASSERT_TRUE(v.now);
      EXPECT_EQ(v.now->usage, UsageState::kCheckedOut);
    }
  }
}

TEST_F(KioskModelTest, HandOutIsBoundedByStock) {
  Do(act::GoTo{Screen::kEquipment});
  Do(act::HandOut{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.pick_item");
  Do(act::PickItem{"a-balls"});
  Do(act::StepQuantity{100});
  EXPECT_EQ(state_.equipment.quantity, 20) << "the stepper stops at the stock";
  Do(act::StepQuantity{-5});
  Do(act::HandOut{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.done_out");
  Do(act::PickItem{"a-balls"});
  Do(act::StepQuantity{100});
  EXPECT_EQ(state_.equipment.quantity, 5) << "15 are out";
  state_.equipment.quantity = 6;  // as if a stale screen still showed more
  Do(act::HandOut{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.beyond_stock");
  EXPECT_NE(Said().find("Only 5"), std::string::npos) << Said();
  const auto out = Facts(FactKind::kHandOut);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].quantity, 15);
}

TEST_F(KioskModelTest, HandOutAgainstABookingAndReturnWithDamage) {
  Do(act::GoTo{Screen::kEquipment});
  Type(code_);
  Do(act::Submit{});
  ASSERT_TRUE(state_.equipment.booking) << Said();
  Do(act::PickItem{"a-balls"});
  Do(act::StepQuantity{2});
  Do(act::HandOut{});
  ASSERT_EQ(state_.equipment.loans.size(), 1u);
  const Loan& loan = state_.equipment.loans[0];
  EXPECT_EQ(loan.quantity, 3);
  EXPECT_FALSE(loan.booking_id.empty());
  EXPECT_EQ(loan.due, testing::At("2026-11-24 11:00"));
  Do(act::Return{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.pick_loan");
  Do(act::PickLoan{0});
  EXPECT_NE(state_.equipment.returned_by.find("李娜"), std::string::npos);
  Do(act::SetCondition{"damaged"});
  Do(act::SetReturner{"张老师"});
  Do(act::Return{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.done_return");
  EXPECT_NE(Said().find("Damaged"), std::string::npos) << Said();
  const auto back = Facts(FactKind::kReturn);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].condition, "damaged");
  EXPECT_EQ(back[0].quantity, 3);
  EXPECT_EQ(back[0].returned_by, "张老师") << "a field of the fact";
  EXPECT_EQ(back[0].note, "") << "not hidden in the note";
  EXPECT_TRUE(state_.equipment.loans.empty());
  ASSERT_EQ(state_.equipment.returns_today.size(), 1u);
  EXPECT_EQ(state_.equipment.returns_today[0].returned_by, "张老师");
  EXPECT_EQ(state_.equipment.returns_today[0].condition, "damaged");
}

TEST_F(KioskModelTest, PartOfALoanIsReturnedAndTheRestStaysOnLoan) {
  Do(act::GoTo{Screen::kEquipment});
  Do(act::PickItem{"a-balls"});
  Do(act::StepQuantity{4});
  Do(act::HandOut{});
  ASSERT_EQ(state_.equipment.loans.size(), 1u);
  ASSERT_EQ(state_.equipment.loans[0].quantity, 5);
  Do(act::PickLoan{0});
  EXPECT_EQ(state_.equipment.return_quantity, 5) << "the whole loan unless stepped down";
  Do(act::StepReturnQuantity{1});
  EXPECT_EQ(state_.equipment.return_quantity, 5) << "the stepper stops at what is outstanding";
  Do(act::StepReturnQuantity{-10});
  EXPECT_EQ(state_.equipment.return_quantity, 1);
  Do(act::StepReturnQuantity{1});
  Do(act::SetCondition{"damaged"});
  Do(act::SetReturner{"王老师"});
  clock_.Advance(10 * kMinute);
  Do(act::Return{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.done_partial") << Said();
  EXPECT_NE(Said().find("3 still on loan"), std::string::npos) << Said();
  ASSERT_EQ(state_.equipment.loans.size(), 1u) << "the loan stays open for the rest";
  const Loan& rest = state_.equipment.loans[0];
  EXPECT_EQ(rest.quantity, 3);
  EXPECT_EQ(rest.returned, 2);
  EXPECT_EQ(rest.returned_by, "王老师");
  EXPECT_EQ(rest.since, testing::At("2026-11-24 09:50")) << "still the same loan";
  for (const auto& item : state_.equipment.items) {
    if (item.resource_id == "a-balls") {
      EXPECT_EQ(item.available(), 17);
    }
  }
  auto back = Facts(FactKind::kReturn);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].quantity, 2);
  EXPECT_EQ(back[0].condition, "damaged") << "the condition is of the part returned";
  EXPECT_EQ(back[0].returned_by, "王老师");
  // A stale screen cannot return more than is outstanding.
  Do(act::PickLoan{0});
  state_.equipment.return_quantity = 4;
  Do(act::Return{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.beyond_loan");
  EXPECT_NE(Said().find("Only 3"), std::string::npos) << Said();
  // The rest comes back fine, brought by the group.
  Do(act::PickLoan{0});
  EXPECT_EQ(state_.equipment.return_quantity, 3);
  clock_.Advance(10 * kMinute);
  Do(act::Return{});
  EXPECT_EQ(state_.message.key, "kiosk.equipment.done_return") << Said();
  EXPECT_TRUE(state_.equipment.loans.empty());
  back = Facts(FactKind::kReturn);
  ASSERT_EQ(back.size(), 2u);
  ASSERT_EQ(state_.equipment.returns_today.size(), 2u);
  EXPECT_EQ(state_.equipment.returns_today[0].quantity, 3) << "newest first";
  EXPECT_EQ(state_.equipment.returns_today[0].condition, "fine");
  EXPECT_EQ(state_.equipment.returns_today[1].returned_by, "王老师");
}

// A return recorded in the same second as its hand-out still belongs to that loan, whatever order the
// replica lists the two facts in (the pull writes them in the server's order).
TEST_F(KioskModelTest, AReturnInTheSameSecondAsItsHandOutKeepsItsReturner) {
  HandOutAndReturnAllButOne(3, "王老师");
  // Facts of one second are listed by id: give the hand-out an id after the return's, as a pull may.
  ASSERT_TRUE(agent_
                  ->WithReplica([&](Store& s) {
                    SS_ASSIGN_OR_RETURN(auto facts, s.ListFacts({}));
                    for (UsageFact f : facts) {
                      if (f.kind != FactKind::kHandOut) continue;
                      Change c;
                      c.entity = "fact";
                      c.entity_id = f.id;
                      c.op = "del";
                      SS_RETURN_IF_ERROR(s.ApplyReplicated(c));
                      f.id = "~" + f.id;
                      c.entity_id = f.id;
                      c.op = "put";
                      c.data = ToJson(f, TimeZone::Utc()).dump();
                      SS_RETURN_IF_ERROR(s.ApplyReplicated(c));
                    }
                    SS_ASSIGN_OR_RETURN(facts, s.ListFacts({}));
                    EXPECT_EQ(facts.back().kind, FactKind::kHandOut) << "the return is listed first now";
                    return Status::Ok();
                  })
                  .ok());
  clock_.Advance(kMinute);
  Do(act::Tick{clock_.Now()});
  ASSERT_EQ(state_.equipment.loans.size(), 1u);
  EXPECT_EQ(state_.equipment.loans[0].quantity, 1);
  EXPECT_EQ(state_.equipment.loans[0].returned, 2);
  EXPECT_EQ(state_.equipment.loans[0].returned_by, "王老师");
}

TEST_F(KioskModelTest, OverdueLoansAreVisible) {
  Do(act::GoTo{Screen::kEquipment});
  Do(act::PickItem{"a-balls"});
  Do(act::HandOut{});
  ASSERT_EQ(state_.equipment.loans.size(), 1u);
  EXPECT_FALSE(state_.equipment.loans[0].overdue);
  clock_.Advance(kWalkInLoan + kMinute);
  Do(act::Tick{clock_.Now()});
  ASSERT_EQ(state_.equipment.loans.size(), 1u);
  EXPECT_TRUE(state_.equipment.loans[0].overdue);
}

TEST_F(KioskModelTest, WalkInRefusedByARuleAndAllowedElsewhere) {
  clock_.Set(testing::At("2026-11-24 10:05") + 17);  // mid-minute: the walk-in starts at 10:05:00
  Do(act::GoTo{Screen::kWalkIn});
  ASSERT_FALSE(state_.walkin.venues.empty());
  for (const auto& v : state_.walkin.venues) {
    if (v.resource_id == "a-field") {
      EXPECT_FALSE(v.allowed) << "school b holds the field";
      ASSERT_TRUE(v.why_not);
      EXPECT_EQ(v.why_not->rule, Rule::kOverlap);
    }
    if (v.resource_id == "a-hall") {
      EXPECT_TRUE(v.allowed);
    }
  }
  ASSERT_FALSE(state_.walkin.organizers.empty());
  Do(act::PickOrganizer{0});
  Do(act::PickVenue{"a-field"});
  Do(act::ConfirmWalkIn{});
  EXPECT_EQ(state_.message.key, "kiosk.walkin.refused");
  EXPECT_TRUE(state_.message.error);
  EXPECT_FALSE(Said().empty());
  Do(act::PickVenue{"a-hall"});
  Do(act::StepGroup{400});  // 420 people in a 300-seat hall
  Do(act::ConfirmWalkIn{});
  EXPECT_EQ(state_.message.key, "kiosk.walkin.refused");
  ASSERT_TRUE(state_.message.violation);
  EXPECT_EQ(state_.message.violation->rule, Rule::kCapacity);
  EXPECT_TRUE(Facts(FactKind::kWalkIn).empty());
  Do(act::StepGroup{-400});
  Do(act::SetDuration{45});
  ASSERT_EQ(state_.walkin.organizers, std::vector<std::string>{"王老师"});
  ASSERT_EQ(state_.walkin.classes, std::vector<std::string>{"七年级(3)班"});
  Do(act::PickClass{0});
  Do(act::ConfirmWalkIn{});
  EXPECT_EQ(state_.message.key, "kiosk.walkin.done") << Said();
  const auto walk = Facts(FactKind::kWalkIn);
  ASSERT_EQ(walk.size(), 1u);
  EXPECT_EQ(walk[0].resource_id, "a-hall");
  EXPECT_EQ(walk[0].at, testing::At("2026-11-24 10:05"));
}

TEST_F(KioskModelTest, ANoShowsReleasedSlotIsOfferedForWalkIns) {
  auto field = [&]() -> const WalkInVenue* {
    for (const auto& v : state_.walkin.venues) {
      if (v.resource_id == "a-field") return &v;
    }
    return nullptr;
  };
  At("2026-11-24 10:10");  // school b's booking started, nobody checked in, still within the grace period
  Do(act::GoTo{Screen::kWalkIn});
  ASSERT_NE(field(), nullptr);
  EXPECT_FALSE(field()->allowed) << "held until the grace period ends";
  At("2026-11-24 10:16");
  Do(act::GoTo{Screen::kWalkIn});  // (a Tick would return Home: 6 min without input)
  ASSERT_NE(field(), nullptr);
  EXPECT_TRUE(field()->allowed) << (field()->why_not ? DescribeViolation(Lang::kEn, *field()->why_not) : "");
  EXPECT_FALSE(field()->why_not);
  Do(act::PickVenue{"a-field"});
  Do(act::PickOrganizer{0});
  Do(act::SetDuration{30});
  Do(act::ConfirmWalkIn{});
  EXPECT_EQ(state_.message.key, "kiosk.walkin.done") << Said();
  const auto walk = Facts(FactKind::kWalkIn);
  ASSERT_EQ(walk.size(), 1u);
  EXPECT_EQ(walk[0].resource_id, "a-field");
  EXPECT_EQ(walk[0].at, testing::At("2026-11-24 10:16"));
}

TEST_F(KioskModelTest, IdleReturnsHome) {
  Do(act::GoTo{Screen::kCheckIn});
  Type("AB");
  clock_.Advance(kIdleTimeout - 1);
  Do(act::Tick{clock_.Now()});
  EXPECT_EQ(state_.screen, Screen::kCheckIn);
  clock_.Advance(1);
  Do(act::Tick{clock_.Now()});
  EXPECT_EQ(state_.screen, Screen::kHome);
  EXPECT_TRUE(state_.checkin.typed.empty());
}

TEST_F(KioskModelTest, IdleTicksReadNothingUntilTheMinuteChanges) {
  const auto generation = state_.data_generation;
  clock_.Advance(30);
  Do(act::Tick{clock_.Now()});
  EXPECT_EQ(state_.data_generation, generation) << "09:50:30 shows what 09:50:00 showed";
  clock_.Advance(30);
  Do(act::Tick{clock_.Now()});
  EXPECT_GT(state_.data_generation, generation) << "09:51 is a new minute";
}

TEST_F(KioskModelTest, LanguageByATap) {
  EXPECT_EQ(state_.lang, Lang::kZh);
  CheckIn("ABCDEF" == code_ ? "ABCDEG" : "ABCDEF");
  EXPECT_NE(RenderMessage(state_.message, state_.lang).find("找不到"), std::string::npos);
  Do(act::ToggleLang{});
  EXPECT_EQ(state_.lang, Lang::kEn);
  EXPECT_EQ(state_.school_name, "School A");
}

TEST_F(KioskModelTest, SetUpBehindThePinIsSaved) {
  Do(act::GoTo{Screen::kSetup});
  Type("1111");
  Do(act::Submit{});
  EXPECT_FALSE(state_.setup.unlocked);
  EXPECT_EQ(state_.message.key, "kiosk.setup.bad_pin");
  KioskConfig draft = state_.setup.draft;
  draft.server = "ftp://x";
  Do(act::EditSetup{draft});
  EXPECT_NE(state_.setup.draft.server, "ftp://x") << "locked: edits are ignored";
  Type(ctx_.config.admin_pin);
  Do(act::Submit{});
  ASSERT_TRUE(state_.setup.unlocked);
  Do(act::EditSetup{draft});
  Do(act::SaveSetup{});
  EXPECT_EQ(state_.message.key, "kiosk.setup.need_server");
  EXPECT_FALSE(state_.restart_requested);
  draft.server = "http://127.0.0.1:8080";
  draft.lang = Lang::kEn;
  draft.venues = {"a-hall"};
  Do(act::EditSetup{draft});
  Do(act::SaveSetup{});
  EXPECT_EQ(state_.message.key, "kiosk.setup.saved");
  EXPECT_TRUE(state_.restart_requested);
  auto loaded = LoadConfig(ctx_.config_path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->server, "http://127.0.0.1:8080");
  EXPECT_EQ(loaded->lang, Lang::kEn);
  EXPECT_EQ(loaded->venues, std::vector<std::string>{"a-hall"});
  ASSERT_EQ(state_.venues.size(), 1u) << "only the picked venue is shown";
}

// A touch-only kiosk: every set-up text field is typed on the on-screen keyboard (KeyChar, Backspace,
// ClearTyped into the field picked); a scanner's or keyboard's characters land in the same place.
TEST_F(KioskModelTest, SetUpTextIsTypedOnTheOnScreenKeyboard) {
  Do(act::GoTo{Screen::kSetup});
  Do(act::FocusSetupField{SetupField::kToken});
  Type("ss_x");
  EXPECT_EQ(state_.setup.field, SetupField::kServer) << "locked: no field can be picked";
  EXPECT_EQ(state_.setup.draft.token, ctx_.config.token) << "locked: typing is the PIN";
  Do(act::ClearTyped{});
  Type(ctx_.config.admin_pin);
  Do(act::Submit{});
  ASSERT_TRUE(state_.setup.unlocked);
  Do(act::ClearTyped{});
  EXPECT_EQ(state_.setup.draft.server, "");
  Type("http://127.0.0.1:8080/");
  Do(act::Backspace{});
  Do(act::FocusSetupField{SetupField::kToken});
  Do(act::ClearTyped{});
  Type("ss_Ab-9_Z");
  Do(act::FocusSetupField{SetupField::kSchool});
  Do(act::ClearTyped{});
  Type("b c");  // the space is not typed: ids, URLs and tokens have none
  EXPECT_EQ(state_.setup.draft.school_id, "bc");
  Do(act::Backspace{});
  Do(act::Backspace{});
  Type("a");
  EXPECT_EQ(state_.setup.draft.server, "http://127.0.0.1:8080");
  EXPECT_EQ(state_.setup.draft.token, "ss_Ab-9_Z");
  Do(act::SaveSetup{});
  EXPECT_EQ(state_.message.key, "kiosk.setup.saved") << Said();
  auto loaded = LoadConfig(ctx_.config_path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->server, "http://127.0.0.1:8080");
  EXPECT_EQ(loaded->token, "ss_Ab-9_Z");
  EXPECT_EQ(loaded->school_id, "a");
  // Codes keep taking only what a code can hold.
  Do(act::GoTo{Screen::kCheckIn});
  Type("AB:/.C");
  EXPECT_EQ(state_.checkin.typed, "ABC");
}

TEST_F(KioskModelTest, BrokenConfigIsAnErrorNotACrash) {
  const std::string path = dir_.File("broken.json");
  for (const char* text : {"{not json", "[1,2]", "{\"server\": 5}", "{\"venues\": \"a-hall\"}"}) {
    std::ofstream(path) << text;
    auto c = LoadConfig(path);
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << text;
  }
  EXPECT_EQ(LoadConfig(dir_.File("none.json")).status().code(), StatusCode::kNotFound);
  KioskContext none;  // no agent: nothing to read, no crash
  ManualClock clock(0);
  none.clock = &clock;
  KioskState st = InitialState(none);
  Update(st, act::GoTo{Screen::kCheckIn}, none);
  Update(st, act::Submit{}, none);
  Update(st, act::ConfirmCheck{}, none);
  EXPECT_TRUE(st.venues.empty());
}

TEST(KioskMessagesTest, EveryKioskKeyHasBothLanguagesWithTheSamePlaceholders) {
  const auto zh = AllMessages(Lang::kZh);
  const auto en = AllMessages(Lang::kEn);
  auto placeholders = [](const std::string& s) {
    std::set<std::string> out;
    for (std::size_t i = s.find('{'); i != std::string::npos; i = s.find('{', i + 1)) {
      out.insert(s.substr(i, s.find('}', i) - i));
    }
    return out;
  };
  int kiosk_keys = 0;
  for (const auto& [key, text] : zh) {
    if (key.rfind("kiosk.", 0) != 0) continue;
    ++kiosk_keys;
    ASSERT_TRUE(en.count(key)) << key;
    EXPECT_FALSE(text.empty()) << key;
    EXPECT_FALSE(en.at(key).empty()) << key;
    EXPECT_EQ(placeholders(text), placeholders(en.at(key))) << key;
  }
  EXPECT_GT(kiosk_keys, 50);
}

}  // namespace
}  // namespace schoolshare::kiosk
