// RedactedLocation: how a database location appears in messages and logs (no password, ever).
#include "schoolshare/location.h"

#include <gtest/gtest.h>

namespace schoolshare {
namespace {

TEST(RedactedLocationTest, MasksTheUriPassword) {
  EXPECT_EQ(RedactedLocation("postgresql://ss:secret@db.example:5432/schoolshare"),
            "postgresql://ss:***@db.example:5432/schoolshare");
  EXPECT_EQ(RedactedLocation("postgres://ss:p%40ss@10.0.0.5/city?sslmode=require"),
            "postgres://ss:***@10.0.0.5/city?sslmode=require");
  // An '@' inside the password (unencoded) still hides all of it.
  EXPECT_EQ(RedactedLocation("postgresql://ss:a@b@host/db"), "postgresql://ss:***@host/db");
  EXPECT_EQ(RedactedLocation("postgresql://ss:secret@host"), "postgresql://ss:***@host");
}

TEST(RedactedLocationTest, MasksAPasswordParameterOrWord) {
  EXPECT_EQ(RedactedLocation("postgresql://host/db?user=ss&password=secret&sslmode=require"),
            "postgresql://host/db?user=ss&password=***&sslmode=require");
  EXPECT_EQ(RedactedLocation("host=127.0.0.1 user=ss password=secret dbname=d"),
            "host=127.0.0.1 user=ss password=*** dbname=d");
  EXPECT_EQ(RedactedLocation("host=h password='a b\\'c' dbname=d"), "host=h password=*** dbname=d");
}

TEST(RedactedLocationTest, LeavesWhatHasNoPasswordAlone) {
  EXPECT_EQ(RedactedLocation("postgresql://ss@127.0.0.1:5432/postgres"), "postgresql://ss@127.0.0.1:5432/postgres");
  EXPECT_EQ(RedactedLocation("/var/lib/schoolshare/district.db"), "/var/lib/schoolshare/district.db");
  EXPECT_EQ(RedactedLocation("学区@备份/d.db"), "学区@备份/d.db");
}

}  // namespace
}  // namespace schoolshare
