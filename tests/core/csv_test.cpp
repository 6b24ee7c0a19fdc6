#include "schoolshare/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace schoolshare {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRow> MustRead(std::string_view text, const CsvReadOptions& options = {}) {
  auto rows = ReadCsv(text, options);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows.value() : std::vector<CsvRow>{};
}

CsvSyntaxError MustFail(std::string_view text) {
  CsvSyntaxError error;
  auto rows = ReadCsv(text, {}, &error);
  EXPECT_FALSE(rows.ok());
  if (!rows.ok()) {
    EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(rows.status().message(), error.ToString());
  }
  return error;
}

TEST(CsvReadTest, SimpleRowsWithLineNumbers) {
  auto rows = MustRead("id,name\ns1,One\ns2,Two\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (Fields{"id", "name"}));
  EXPECT_EQ(rows[1].fields, (Fields{"s1", "One"}));
  EXPECT_EQ(rows[2].fields, (Fields{"s2", "Two"}));
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].line, 3);
}

TEST(CsvReadTest, NoTrailingNewline) {
  auto rows = MustRead("a,b\n1,2");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
}

TEST(CsvReadTest, EmptyInput) {
  EXPECT_TRUE(MustRead("").empty());
  EXPECT_TRUE(MustRead("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(MustRead("\n\r\n").empty());
}

TEST(CsvReadTest, ByteOrderMarkIsDropped) {
  auto rows = MustRead("\xEF\xBB\xBFid,name\r\n1,x\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields[0], "id");
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReadTest, CrLfAndLoneCr) {
  auto rows = MustRead("a,b\r\n1,2\r\n3,4\r5,6");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(rows[2].fields, (Fields{"3", "4"}));
  EXPECT_EQ(rows[3].fields, (Fields{"5", "6"}));
  EXPECT_EQ(rows[3].line, 4);
}

TEST(CsvReadTest, EmptyFieldsAndTrailingComma) {
  auto rows = MustRead(",a,,\n,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"", "a", "", ""}));
  EXPECT_EQ(rows[1].fields, (Fields{"", ""}));
  auto at_eof = MustRead("x,");
  ASSERT_EQ(at_eof.size(), 1u);
  EXPECT_EQ(at_eof[0].fields, (Fields{"x", ""}));
}

TEST(CsvReadTest, BlankLinesSkippedButCounted) {
  auto rows = MustRead("a\n\n\nb\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (Fields{"b"}));
  EXPECT_EQ(rows[1].line, 4);

  auto kept = MustRead("a\n\nb\n", CsvReadOptions{.skip_blank_lines = false});
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[1].fields, (Fields{""}));
  EXPECT_EQ(kept[2].line, 3);
}

TEST(CsvReadTest, QuotedFields) {
  auto rows = MustRead(R"("a,b","say ""hi""","",plain)"
                       "\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"a,b", "say \"hi\"", "", "plain"}));
}

TEST(CsvReadTest, EmbeddedNewlinesKeepLineNumbers) {
  const std::string text =
      "id,note\n"
      "1,\"first line\nsecond line\nthird\"\n"
      "2,\"crlf\r\ninside\"\r\n"
      "3,after\n";
  auto rows = MustRead(text);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].fields[1], "first line\nsecond line\nthird");
  EXPECT_EQ(rows[2].line, 5);
  EXPECT_EQ(rows[2].fields[1], "crlf\r\ninside");
  EXPECT_EQ(rows[3].line, 7);
  EXPECT_EQ(rows[3].fields, (Fields{"3", "after"}));
}

TEST(CsvReadTest, ChineseText) {
  auto rows = MustRead("学校,名称\n第一中学,\"田径场，400米\"\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"学校", "名称"}));
  EXPECT_EQ(rows[1].fields, (Fields{"第一中学", "田径场，400米"}));
}

TEST(CsvReadTest, FieldsAreNotTrimmed) {
  auto rows = MustRead(" a , b \n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{" a ", " b "}));
}

TEST(CsvMalformedTest, UnterminatedQuoteReportsWhereItOpened) {
  auto error = MustFail("id,name\n1,ok\n2,\"never closed\n3,x\n");
  EXPECT_EQ(error.kind, CsvErrorKind::kUnterminatedQuote);
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 3);
}

TEST(CsvMalformedTest, StrayQuoteInUnquotedField) {
  auto error = MustFail("a,b\n1,ab\"c\n");
  EXPECT_EQ(error.kind, CsvErrorKind::kStrayQuote);
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 5);
}

TEST(CsvMalformedTest, ColumnCountsCharactersNotBytes) {
  // "中文," is 3 characters; the stray quote is the 6th character of the line.
  auto error = MustFail("中文,ab\"\n");
  EXPECT_EQ(error.kind, CsvErrorKind::kStrayQuote);
  EXPECT_EQ(error.line, 1);
  EXPECT_EQ(error.column, 6);
}

TEST(CsvMalformedTest, TextAfterClosingQuote) {
  auto error = MustFail("a\n\"x\ny\"z,1\n");
  EXPECT_EQ(error.kind, CsvErrorKind::kTextAfterQuote);
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 3);
}

TEST(CsvMalformedTest, InvalidUtf8NamesTheLine) {
  // "体育" in GBK, as an old Excel saves it.
  auto error = MustFail("id,name\r\n1,ok\r\n2,\xCC\xE5\xD3\xFD\r\n");
  EXPECT_EQ(error.kind, CsvErrorKind::kInvalidUtf8);
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 3);
  EXPECT_NE(error.ToString().find("line 3"), std::string::npos);
}

TEST(CsvMalformedTest, Utf16IsRefused) {
  auto error = MustFail(std::string_view("\xFF\xFEi\0d\0", 6));
  EXPECT_EQ(error.kind, CsvErrorKind::kUtf16);
  EXPECT_EQ(error.line, 1);
}

TEST(Utf8Test, Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("体育馆 🏀"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE4\xBD"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
}

TEST(CsvWriteTest, EscapeOnlyWhenNeeded) {
  EXPECT_EQ(CsvEscape("plain"), "plain");
  EXPECT_EQ(CsvEscape(""), "");
  EXPECT_EQ(CsvEscape("中文"), "中文");
  EXPECT_EQ(CsvEscape("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvEscape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvEscape("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvEscape(" padded"), "\" padded\"");
}

TEST(CsvWriteTest, WriteRow) {
  std::string out;
  WriteCsvRow({"a", "b,c", ""}, &out);
  WriteCsvRow({"x"}, &out, "\n");
  EXPECT_EQ(out, "a,\"b,c\",\r\nx\n");
}

TEST(CsvWriteTest, RoundTrip) {
  const std::vector<Fields> records = {
      {"id", "name", "note"}, {"s1", "第一中学", "田径场，400米跑道"}, {"s2", "quote \" inside", "multi\nline\r\ntext"},
      {"", "", ""},           {" lead", "trail ", "a,b,\"c\""},        {""},
  };
  std::string text(kUtf8Bom);
  for (const auto& r : records) WriteCsvRow(r, &text);
  auto rows = MustRead(text);
  ASSERT_EQ(rows.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(rows[i].fields, records[i]) << "record " << i;
}

}  // namespace
}  // namespace schoolshare
