// The schedule invariant the sync tests check after a storm of writes, on any backend.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "schoolshare/rules.h"
#include "schoolshare/store.h"

namespace schoolshare::testing {

// No two held bookings overlap on a venue (its whole and parts included), and equipment stays within stock.
inline void ExpectInvariant(Store& store) {
  auto bookings = store.ListBookings({});
  ASSERT_TRUE(bookings.ok());
  std::map<std::string, std::vector<schoolshare::Booking>> held;
  for (const auto& b : *bookings) {
    if (b.held()) held[b.resource_id].push_back(b);
  }
  auto overlaps = [](const schoolshare::Booking& x, const schoolshare::Booking& y) {
    return x.start < y.end && y.start < x.end;
  };
  const std::map<std::string, std::vector<std::string>> family = {{"a-field", {"a-field", "a-field-n", "a-field-s"}},
                                                                  {"a-field-n", {"a-field", "a-field-n"}},
                                                                  {"a-field-s", {"a-field", "a-field-s"}}};
  for (const auto& [resource, list] : held) {
    if (resource == "a-balls") {
      for (const auto& b : list) {
        EXPECT_LE(PeakQuantity(list, b.start, b.end), 20) << "equipment over stock at " << b.start;
      }
      continue;
    }
    std::vector<std::string> related = family.count(resource) ? family.at(resource) : std::vector{resource};
    for (const auto& b : list) {
      for (const auto& other_resource : related) {
        if (!held.count(other_resource)) continue;
        for (const auto& o : held.at(other_resource)) {
          if (o.id != b.id) {
            EXPECT_FALSE(overlaps(b, o)) << b.id << " overlaps " << o.id;
          }
        }
      }
    }
  }
}

}  // namespace schoolshare::testing
