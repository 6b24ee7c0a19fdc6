#include "schoolshare/tokens.h"

#include <sodium.h>

#include "schoolshare/ids.h"

namespace schoolshare {

std::string HashToken(const std::string& token) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

namespace {

// A fresh random token and its record (not stored yet).
Result<IssuedToken> NewToken(Role role, const std::string& school_id, const std::string& label, Instant now) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  IssuedToken out;
  out.token = std::string("ss_") + b64;
  out.record.id = "tok-" + NewUuid().substr(0, 8);
  out.record.role = role;
  out.record.school_id = school_id;
  out.record.label = label;
  out.record.hash = HashToken(out.token);
  out.record.created_at = now;
  return out;
}

}  // namespace

Result<IssuedToken> IssueToken(Store& store, Role role, const std::string& school_id, const std::string& label,
                               const Actor& by, Instant now) {
  if (role == Role::kFeed)
    return Status::InvalidArgument("a feed token names its feed: use --role feed with --school or --resource");
  bool scoped = role == Role::kSchoolManager || role == Role::kKiosk;
  if (scoped && school_id.empty()) {
    return Status::InvalidArgument(std::string("a ") + ToString(role) + " token needs --school");
  }
  if (!scoped && !school_id.empty()) {
    return Status::InvalidArgument(std::string("a ") + ToString(role) + " token is not tied to a school");
  }
  if (scoped) SS_RETURN_IF_ERROR(store.GetSchool(school_id).status());
  SS_ASSIGN_OR_RETURN(IssuedToken out, NewToken(role, school_id, label, now));
  SS_RETURN_IF_ERROR(store.InsertToken(out.record, by));
  return out;
}

Result<IssuedToken> IssueFeedToken(Store& store, const std::string& feed_id, const std::string& label, const Actor& by,
                                   Instant now) {
  std::string school_id;
  if (auto school = store.GetSchool(feed_id); school.ok()) {
    school_id = school->id;
  } else if (auto resource = store.GetResource(feed_id); resource.ok()) {
    school_id = resource->school_id;
  } else {
    return Status::NotFound("no school or resource \"" + feed_id + "\" to issue a feed token for");
  }
  SS_ASSIGN_OR_RETURN(IssuedToken out, NewToken(Role::kFeed, school_id, label, now));
  out.record.feed_id = feed_id;
  SS_RETURN_IF_ERROR(store.InsertToken(out.record, by));
  return out;
}

Status AuthenticateFeed(Store& store, const std::string& token, const std::string& feed_id) {
  auto record = store.FindTokenByHash(HashToken(token));
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) return Status::PermissionDenied("unknown feed token");
    return record.status();
  }
  if (record->revoked) return Status::PermissionDenied("feed token " + record->id + " has been revoked");
  if (record->role != Role::kFeed || record->feed_id != feed_id) {
    return Status::PermissionDenied("this token does not open the calendar feed of \"" + feed_id + "\"");
  }
  return Status::Ok();
}

Result<Actor> Authenticate(Store& store, const std::string& token) {
  auto record = store.FindTokenByHash(HashToken(token));
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) return Status::PermissionDenied("unknown token");
    return record.status();
  }
  if (record->revoked) return Status::PermissionDenied("token " + record->id + " has been revoked");
  if (record->role == Role::kFeed) {
    return Status::PermissionDenied("token " + record->id + " is a calendar feed token: it opens its feed only");
  }
  return Actor{record->id, record->role, record->school_id, record->label};
}

}  // namespace schoolshare
