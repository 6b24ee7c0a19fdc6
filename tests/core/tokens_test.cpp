#include "schoolshare/tokens.h"

#include <gtest/gtest.h>

#include "testutil.h"

namespace schoolshare {
namespace {

TEST(TokensTest, IssuedTokenAuthenticatesAndIsStoredOnlyAsHash) {
  testing::TempDir dir;
  ManualClock clock(testing::At("2026-11-23 08:00"));
  auto store = testing::OpenStore(dir.File("t.db"), &clock);
  testing::SeedSmallDistrict(*store);
  auto issued = IssueToken(*store, Role::kKiosk, "a", "校门一体机", Actor::System(), clock.Now());
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->token.rfind("ss_", 0), 0u);
  EXPECT_EQ(issued->token.size(), 3u + 43u);
  auto actor = Authenticate(*store, issued->token);
  ASSERT_TRUE(actor.ok());
  EXPECT_EQ(actor->role, Role::kKiosk);
  EXPECT_EQ(actor->school_id, "a");
  EXPECT_EQ(actor->id, issued->record.id);
  EXPECT_EQ(actor->name, "校门一体机");  // the label names the actor (a signed-off period shows it)
  for (const auto& t : *store->ListTokens()) EXPECT_EQ(t.hash.find(issued->token), std::string::npos);
  EXPECT_EQ(Authenticate(*store, issued->token + "x").status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(store->RevokeToken(issued->record.id, Actor::System()).ok());
  EXPECT_EQ(Authenticate(*store, issued->token).status().code(), StatusCode::kPermissionDenied);
}

TEST(TokensTest, ScopeRules) {
  testing::TempDir dir;
  ManualClock clock(0);
  auto store = testing::OpenStore(dir.File("t.db"), &clock);
  testing::SeedSmallDistrict(*store);
  EXPECT_EQ(IssueToken(*store, Role::kSchoolManager, "", "", Actor::System(), 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IssueToken(*store, Role::kDistrictAdmin, "a", "", Actor::System(), 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IssueToken(*store, Role::kKiosk, "zz", "", Actor::System(), 0).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(IssueToken(*store, Role::kAuditor, "", "教育局", Actor::System(), 0).ok());
}

}  // namespace
}  // namespace schoolshare
