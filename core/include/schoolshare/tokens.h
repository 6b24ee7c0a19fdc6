// Bearer tokens: made from 32 random bytes, shown once, stored only as a BLAKE2b hash (libsodium).
// A token is long and random, so a fast keyed-free hash is enough (as for API keys); no salt needed.
#pragma once

#include <string>

#include "schoolshare/model.h"
#include "schoolshare/store.h"

namespace schoolshare {

struct IssuedToken {
  std::string token;  // "ss_" + 43 URL-safe characters; show it once, never store it
  TokenRecord record;
};

// school_manager and kiosk tokens need an existing school; district_admin and auditor tokens must not
// name one.
Result<IssuedToken> IssueToken(Store& store, Role role, const std::string& school_id, const std::string& label,
                               const Actor& by, Instant now);
std::string HashToken(const std::string& token);  // lower-case hex
// The actor a token stands for; kPermissionDenied for an unknown or revoked token, and for a feed token
// (it opens its calendar feed and nothing else).
Result<Actor> Authenticate(Store& store, const std::string& token);

// A read-only, revocable token of role feed for the calendar feed of one school or resource: it rides
// in the feed URL (?feed_token=) because calendar apps cannot send headers. Revoked like any token.
Result<IssuedToken> IssueFeedToken(Store& store, const std::string& feed_id, const std::string& label, const Actor& by,
                                   Instant now);
// Ok when `token` is a live feed token for exactly `feed_id`; kPermissionDenied otherwise.
Status AuthenticateFeed(Store& store, const std::string& token, const std::string& feed_id);

}  // namespace schoolshare
