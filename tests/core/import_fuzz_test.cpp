// Seeded random mutations of CSV files through the reader and the import: whatever the bytes, the
// result is a value or a clear error, never a crash (the sanitizer run checks memory too), and a refused
// import writes nothing.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "schoolshare/csv.h"
#include "schoolshare/import.h"
#include "testutil.h"

namespace schoolshare {
namespace {

constexpr char kSchools[] =
    "\xEF\xBB\xBFid,district_id,name,name_en,kind,weak,students,lat,lon,periods\r\n"
    "x1,d1,\"谢家湾（金茂）小学\",\"Xiejiawan, Jinmao\",member,是,860,29.51,106.52,1=08:00-08:40;2=08:50-09:30\r\n"
    "x2,d1,铁路小学,Tielu,member,false,420,29.49,106.49,\r\n";

constexpr char kResources[] =
    "id,school_id,name,type,capacity,quantity,features,opening_hours,buffer_minutes,parent_id,approval\n"
    "r1,a,风雨操场,hall,300,0,stage;projector,Mon-Fri 16:00-18:30; Sat 08:30-17:00,15,,owner\n"
    "r2,a,半场,field,50,0,,Daily 07:00-21:00,0,a-field,none\n";

// One random edit: insert, delete, replace or duplicate a stretch, with bytes that matter to CSV.
std::string Mutate(std::string text, std::mt19937& rng) {
  static const std::string kPieces[] = {"\"",
                                        ",",
                                        "\n",
                                        "\r\n",
                                        "\"\"",
                                        "\xE5\x8D",
                                        "\xFF",
                                        "\xEF\xBB\xBF",
                                        ";",
                                        "-",
                                        ":",
                                        "99999999999999999999",
                                        "",
                                        std::string(1, '\0'),
                                        "24:00-48:00",
                                        "周一"};
  std::uniform_int_distribution<int> op(0, 3);
  for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0; --edits) {
    size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
    const std::string& piece = kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
    switch (op(rng)) {
      case 0:
        text.insert(at, piece);
        break;
      case 1:
        text.erase(at, rng() % 8);
        break;
      case 2:
        text.replace(at, std::min<size_t>(rng() % 4, text.size() - at), piece);
        break;
      default:
        text.insert(at, text.substr(at, rng() % 40));
        break;
    }
  }
  return text;
}

TEST(ImportFuzzTest, ReaderTakesAnyBytes) {
  std::mt19937 rng(20261122);
  for (int i = 0; i < 3000; ++i) {
    std::string text = Mutate(i % 2 ? kSchools : kResources, rng);
    CsvSyntaxError error;
    auto rows = ReadCsv(text, {}, &error);
    if (!rows.ok()) {
      EXPECT_FALSE(rows.status().message().empty());
      EXPECT_GE(error.line, 1) << "case " << i;
    }
  }
}

TEST(ImportFuzzTest, ImportEitherWritesEveryRowOrNothing) {
  testing::TempDir dir;
  ManualClock clock(testing::At("2026-11-23 08:00"));
  auto store = testing::OpenStore(dir.File("fuzz.db"), &clock);
  ASSERT_NE(store, nullptr);
  testing::SeedSmallDistrict(*store);
  std::mt19937 rng(7);
  int refused = 0, imported = 0;
  for (int i = 0; i < 400; ++i) {
    bool schools = i % 2 == 0;
    std::string text = Mutate(schools ? kSchools : kResources, rng);
    auto before = store->LatestVersion();
    ASSERT_TRUE(before.ok());
    auto report = schools ? ImportSchools(*store, text, Actor::System(), i % 3 ? Lang::kZh : Lang::kEn)
                          : ImportResources(*store, text, Actor::System(), Lang::kZh);
    ASSERT_TRUE(report.ok()) << "case " << i << ": " << report.status().ToString();
    if (report->ok()) {
      ++imported;
      EXPECT_EQ(report->imported, report->rows);
    } else {
      ++refused;
      EXPECT_EQ(report->imported, 0);
      EXPECT_EQ(*store->LatestVersion(), *before) << "case " << i << " wrote although refused";
      for (const auto& e : report->errors) EXPECT_FALSE(e.reason.empty());
    }
  }
  // The mutations must exercise both outcomes, or the test proves little.
  RecordProperty("refused", refused);
  RecordProperty("imported", imported);
  EXPECT_GT(refused, 50);
  EXPECT_GT(imported, 5);
}

}  // namespace
}  // namespace schoolshare
