// RFC 4180 reader and writer; see schoolshare/csv.h for the contract.
#include "schoolshare/csv.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace schoolshare {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at text[pos], or 0 when it is not one
// (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(std::string_view text, size_t pos) {
  const auto at = [&](size_t i) -> unsigned char {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0;
  };
  const unsigned char c = at(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return IsContinuation(at(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return at(1) >= lo && at(1) <= hi && IsContinuation(at(2)) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return at(1) >= lo && at(1) <= hi && IsContinuation(at(2)) && IsContinuation(at(3)) ? 4 : 0;
  }
  return 0;
}

// 1-based column (in code points) of byte `pos` on the line that starts at byte `line_start`.
int ColumnOf(std::string_view text, size_t line_start, size_t pos) {
  int column = 1;
  for (size_t i = line_start; i < pos && i < text.size(); ++i) {
    if (!IsContinuation(static_cast<unsigned char>(text[i]))) ++column;
  }
  return column;
}

// Walks the text once, checking UTF-8 and keeping track of physical lines.
class Parser {
 public:
  Parser(std::string_view text, const CsvReadOptions& options) : text_(text), options_(options) {}

  Result<std::vector<CsvRow>> Run(CsvSyntaxError* error_out) {
    if (text_.size() >= 2 &&
        ((text_[0] == '\xFF' && text_[1] == '\xFE') || (text_[0] == '\xFE' && text_[1] == '\xFF'))) {
      return Fail(CsvErrorKind::kUtf16, 0, error_out);
    }
    if (text_.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      pos_ = line_start_ = kUtf8Bom.size();
    }
    if (size_t bad = FirstInvalidUtf8(); bad != std::string_view::npos) {
      return FailAt(CsvErrorKind::kInvalidUtf8, bad, line_start_, error_out);
    }
    std::vector<CsvRow> rows;
    while (pos_ < text_.size()) {
      if (options_.skip_blank_lines && IsLineBreak(text_[pos_])) {
        ConsumeLineBreak();
        continue;
      }
      CsvRow row;
      row.line = line_;
      for (;;) {
        std::string field;
        if (pos_ < text_.size() && text_[pos_] == '"') {
          if (auto kind = ReadQuoted(&field); kind) return FailAt(*kind, error_pos_, error_line_start_, error_out);
        } else {
          if (auto kind = ReadUnquoted(&field); kind) return FailAt(*kind, error_pos_, error_line_start_, error_out);
        }
        row.fields.push_back(std::move(field));
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        break;
      }
      if (pos_ < text_.size()) ConsumeLineBreak();
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  static bool IsLineBreak(char c) { return c == '\n' || c == '\r'; }

  // Steps over one line break at pos_ (CRLF, LF or a lone CR) and starts the next physical line.
  void ConsumeLineBreak() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    line_start_ = pos_;
  }

  // Reads a quoted field starting at the opening quote; leaves pos_ after the closing quote.
  std::optional<CsvErrorKind> ReadQuoted(std::string* field) {
    const size_t open_pos = pos_;
    const size_t open_line_start = line_start_;
    const int open_line = line_;
    ++pos_;
    for (;;) {
      if (pos_ >= text_.size()) {
        line_ = open_line;
        error_pos_ = open_pos;
        error_line_start_ = open_line_start;
        return CsvErrorKind::kUnterminatedQuote;
      }
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field->push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (IsLineBreak(c)) {
        const size_t start = pos_;
        ConsumeLineBreak();
        field->append(text_.substr(start, pos_ - start));
        continue;
      }
      field->push_back(c);
      ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && !IsLineBreak(text_[pos_])) {
      error_pos_ = pos_;
      error_line_start_ = line_start_;
      return CsvErrorKind::kTextAfterQuote;
    }
    return std::nullopt;
  }

  std::optional<CsvErrorKind> ReadUnquoted(std::string* field) {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && !IsLineBreak(text_[pos_])) {
      if (text_[pos_] == '"') {
        error_pos_ = pos_;
        error_line_start_ = line_start_;
        return CsvErrorKind::kStrayQuote;
      }
      ++pos_;
    }
    field->assign(text_.substr(start, pos_ - start));
    return std::nullopt;
  }

  // Byte offset of the first invalid UTF-8 sequence at or after pos_, or npos. Sets line_ and
  // line_start_ to that position's line when found (the parse stops there anyway).
  size_t FirstInvalidUtf8() {
    int line = line_;
    size_t line_start = line_start_;
    for (size_t i = pos_; i < text_.size();) {
      const char c = text_[i];
      if (c == '\n' || (c == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) {
        ++line;
        line_start = i + 1;
        ++i;
        continue;
      }
      const size_t len = Utf8SequenceLength(text_, i);
      if (len == 0) {
        line_ = line;
        line_start_ = line_start;
        return i;
      }
      i += len;
    }
    return std::string_view::npos;
  }

  Status Fail(CsvErrorKind kind, int column, CsvSyntaxError* error_out) {
    CsvSyntaxError error{kind, line_, column};
    if (error_out != nullptr) *error_out = error;
    return Status::InvalidArgument(error.ToString());
  }

  // An error at byte `pos` of the physical line line_ that starts at byte `line_start`.
  Status FailAt(CsvErrorKind kind, size_t pos, size_t line_start, CsvSyntaxError* error_out) {
    return Fail(kind, ColumnOf(text_, line_start, pos), error_out);
  }

  std::string_view text_;
  CsvReadOptions options_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int line_ = 1;
  size_t error_pos_ = 0;
  size_t error_line_start_ = 0;
};

bool NeedsQuotes(std::string_view field) {
  if (field.empty()) return false;
  if (field.front() == ' ' || field.front() == '\t' || field.back() == ' ' || field.back() == '\t') return true;
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

const char* CsvErrorKindName(CsvErrorKind kind) {
  switch (kind) {
    case CsvErrorKind::kInvalidUtf8:
      return "invalid_utf8";
    case CsvErrorKind::kUtf16:
      return "utf16";
    case CsvErrorKind::kUnterminatedQuote:
      return "unterminated_quote";
    case CsvErrorKind::kStrayQuote:
      return "stray_quote";
    case CsvErrorKind::kTextAfterQuote:
      return "text_after_quote";
  }
  return "unknown";
}

std::string CsvSyntaxError::ToString() const {
  const char* what = "";
  switch (kind) {
    case CsvErrorKind::kInvalidUtf8:
      what = "invalid UTF-8 (save the file as UTF-8)";
      break;
    case CsvErrorKind::kUtf16:
      what = "the file is UTF-16 (save it as UTF-8)";
      break;
    case CsvErrorKind::kUnterminatedQuote:
      what = "quoted field is not closed";
      break;
    case CsvErrorKind::kStrayQuote:
      what = "quote inside an unquoted field (quote the whole field and double the quote)";
      break;
    case CsvErrorKind::kTextAfterQuote:
      what = "text after a closing quote";
      break;
  }
  std::string out = "line " + std::to_string(line);
  if (column > 0) out += ", column " + std::to_string(column);
  return out + ": " + what;
}

Result<std::vector<CsvRow>> ReadCsv(std::string_view text, const CsvReadOptions& options, CsvSyntaxError* error) {
  return Parser(text, options).Run(error);
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceLength(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string CsvEscape(std::string_view field) {
  if (!NeedsQuotes(field)) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void WriteCsvRow(const std::vector<std::string>& fields, std::string* out, std::string_view line_end) {
  // A record of one empty field would read back as a blank line (skipped): quote it.
  if (fields.size() == 1 && fields[0].empty()) {
    out->append("\"\"").append(line_end);
    return;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(CsvEscape(fields[i]));
  }
  out->append(line_end);
}

}  // namespace schoolshare
