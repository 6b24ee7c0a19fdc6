// libFuzzer target: the push body parser and validator (sync::ParsePushRequest) and, for every mutation it
// accepts, the argument decoders the service applies to it (BookingFromJson, FactFromJson,
// ResourceFromJson, BlackoutFromJson), plus a JSON round trip of whatever decodes. The contract checked:
// never an exception, never a sanitizer report (ASan/UBSan), whatever the bytes. See docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "schoolshare/json.h"
#include "schoolshare/sync_protocol.h"
#include "schoolshare/time.h"

namespace {

using schoolshare::Json;

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "push_parse_fuzzer: contract broken: %s\n", what);
  std::abort();
}

// What the service would send back: must always be printable (strict UTF-8 dump, as the stored results are).
template <typename T>
void RoundTrip(const schoolshare::Result<T>& decoded, const schoolshare::TimeZone& tz) {
  if (!decoded.ok()) {
    (void)Json(decoded.status().message()).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  if constexpr (std::is_same_v<T, schoolshare::Resource>) {
    (void)schoolshare::ToJson(*decoded).dump();
  } else {
    (void)schoolshare::ToJson(*decoded, tz).dump();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  static const schoolshare::TimeZone shanghai = *schoolshare::TimeZone::Find("Asia/Shanghai");
  static const schoolshare::TimeZone utc = schoolshare::TimeZone::Utc();
  try {
    auto parsed = schoolshare::sync::ParsePushRequest(body);
    if (!parsed.ok()) return 0;
    const auto& req = *parsed;
    if (req.client_id.empty() || req.client_id.size() > schoolshare::sync::kMaxIdLength) Broken("client_id");
    if (req.mutations.size() > static_cast<std::size_t>(schoolshare::sync::kMaxMutationsPerPush)) Broken("count");
    for (std::size_t i = 0; i < req.mutations.size(); ++i) {
      const auto& m = req.mutations[i];
      if (m.client_seq < 1 || !m.args.is_object() || !schoolshare::sync::IsKnownMutation(m.name)) Broken("mutation");
      if (i > 0 && m.client_seq - 1 != req.mutations[i - 1].client_seq) Broken("client_seq not contiguous");
      for (const auto* tz : {&shanghai, &utc}) {
        RoundTrip(schoolshare::BookingFromJson(m.args, *tz), *tz);
        RoundTrip(schoolshare::FactFromJson(m.args, *tz), *tz);
        RoundTrip(schoolshare::BlackoutFromJson(m.args, *tz), *tz);
      }
      RoundTrip(schoolshare::ResourceFromJson(m.args), utc);
      if (!m.client_time.empty()) (void)shanghai.Parse(m.client_time);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "push_parse_fuzzer: exception escaped: %s\n", e.what());
    std::abort();
  }
  return 0;
}
