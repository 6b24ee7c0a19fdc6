// The pull cursor's text: a place per district, readable back exactly, and refusals of anything else.
#include <gtest/gtest.h>

#include "schoolshare/sync_protocol.h"

namespace schoolshare::sync {
namespace {

TEST(CursorTest, APlacePerDistrictReadsBackExactly) {
  Cursor c{"3f9a", 0, {{"d0001", 17}, {"学区.甲", 5}, {"d0002", 0}}};
  const std::string text = c.ToString();
  EXPECT_EQ(text.find_first_of("%&=?# "), std::string::npos) << text << " needs no escaping in a URL";
  EXPECT_EQ(text.find("d0002"), std::string::npos) << "a district at the base is left out";
  auto back = ParseCursor(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->epoch, "3f9a");
  EXPECT_EQ(back->VersionOf("d0001"), 17);
  EXPECT_EQ(back->VersionOf("学区.甲"), 5);
  EXPECT_EQ(back->VersionOf("d0002"), 0);
  EXPECT_EQ(back->VersionOf("never-seen"), 0);
}

TEST(CursorTest, ASingleNumberIsEveryDistrictsPlace) {
  auto old = ParseCursor("3f9a:42");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->base, 42);
  EXPECT_EQ(old->VersionOf("d0001"), 42);
  EXPECT_EQ(old->ToString(), "3f9a:42");
  EXPECT_TRUE(ParseCursor("").ok());  // the beginning
}

TEST(CursorTest, AnythingElseIsRefused) {
  for (const std::string bad : {"garbage", ":5", "e:", "e:-1", "e:1,d1", "e:1,d1.x", "e:1,.5", "e:1,d~4.5",
                                "e:1,d~ZZ.5", "e:1,d1.5,d1.6", "e:1,,d1.5", "e:1x"}) {
    EXPECT_FALSE(ParseCursor(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseCursor("e:0," + std::string(kMaxCursorLength, 'd') + ".1").ok()) << "too long";
}

}  // namespace
}  // namespace schoolshare::sync
