// CSV reading and writing (RFC 4180) for imports and report exports.
//
// Reader contract:
//  - Input is UTF-8, with or without a leading byte-order mark (EF BB BF, dropped). Any invalid UTF-8
//    (including a UTF-16 file or a GBK file saved by an old Excel) is an error naming the line.
//  - Records end at CRLF, LF or a lone CR; fields are separated by commas.
//  - A field that starts with '"' is quoted: it may hold commas, line breaks and doubled quotes ("" for
//    one "). After the closing quote only a comma or the end of the record may follow.
//  - A '"' inside an unquoted field, an unterminated quoted field, or text after a closing quote is an
//    error with the line and column where it was found.
//  - Fields are returned byte for byte (no trimming); a line break inside a quoted field is kept as
//    written (CRLF stays CRLF).
//  - Every row carries the 1-based physical line it starts on, so a record spanning several lines
//    reports its first line, and the rows after it keep their true line numbers.
//  - Blank lines (nothing between two line breaks) are skipped unless options say otherwise.
//
// Writer contract: CsvEscape quotes a field only when it must (comma, quote, CR, LF, or a leading or
// trailing space); reading back what WriteCsvRow wrote yields the same fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schoolshare/status.h"

namespace schoolshare {

// The UTF-8 byte-order mark. Spreadsheet programs (Excel, WPS) need it to read a UTF-8 CSV file with
// Chinese text correctly; write it once at the start of an exported file.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct CsvRow {
  int line = 0;  // 1-based physical line the record starts on
  std::vector<std::string> fields;
};

enum class CsvErrorKind {
  kInvalidUtf8,        // bytes that are not UTF-8
  kUtf16,              // the file starts with a UTF-16 byte-order mark
  kUnterminatedQuote,  // a quoted field runs to the end of the input
  kStrayQuote,         // a '"' inside an unquoted field
  kTextAfterQuote,     // something other than ',' or a line break after a closing quote
};
const char* CsvErrorKindName(CsvErrorKind kind);  // "invalid_utf8", "utf16", "unterminated_quote", ...

// Where and why the input is malformed.
struct CsvSyntaxError {
  CsvErrorKind kind = CsvErrorKind::kInvalidUtf8;
  int line = 0;                  // 1-based physical line
  int column = 0;                // 1-based, counted in characters (code points) of that line, not bytes
  std::string ToString() const;  // "line 3, column 7: unterminated quoted field" (English)
};

struct CsvReadOptions {
  bool skip_blank_lines = true;
};

// Parses the whole text. On malformed input returns InvalidArgument whose message is
// CsvSyntaxError::ToString(), and fills *error (when given) so callers can localize it.
Result<std::vector<CsvRow>> ReadCsv(std::string_view text, const CsvReadOptions& options = {},
                                    CsvSyntaxError* error = nullptr);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// The field as it must appear in a CSV file: unchanged, or quoted with inner quotes doubled.
std::string CsvEscape(std::string_view field);

// Appends one record to *out: escaped fields joined by commas, then `line_end` (RFC 4180: CRLF).
void WriteCsvRow(const std::vector<std::string>& fields, std::string* out, std::string_view line_end = "\r\n");

}  // namespace schoolshare
