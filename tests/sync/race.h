// A race for one slot, and a storm of creates and cancels, through real HTTP on any backend and any
// number of instances.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sync/server_process.h"

namespace schoolshare::testing {

// `clients` clients, each connected (client(i)) before any of them starts, post `booking(i)` to
// /v1/bookings at the same moment. Expects exactly one 201 and every other answer a 409 naming the
// winner, with alternatives.
inline void ExpectOneWinnerOfARace(int clients, const std::function<std::unique_ptr<httplib::Client>(int)>& client,
                                   const std::function<Json(int)>& booking) {
  std::atomic<int> ready{0};
  std::vector<Answer> answers(clients);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      auto c = client(i);
      Json b = booking(i);
      EXPECT_EQ(Get(*c, "/v1/health").status, 200);  // connected (keep-alive) before the race starts
      ++ready;
      while (ready.load() < clients) std::this_thread::yield();
      answers[i] = Post(*c, "/v1/bookings", b);
    });
  }
  for (auto& t : threads) t.join();
  int won = 0;
  std::string winner;
  for (const Answer& a : answers) {
    if (a.status == 201) {
      ++won;
      winner = a.body["id"];
    }
  }
  ASSERT_EQ(won, 1);
  for (const Answer& a : answers) {
    if (a.status == 201) continue;
    EXPECT_EQ(a.status, 409) << a.text;
    EXPECT_EQ(a.body["conflicts"], Json::array({winner}));
    EXPECT_FALSE(a.body["alternatives"].empty());
  }
}

struct StormCounts {
  int created = 0, refused = 0, cancelled = 0, failed = 0;
};

// `threads` clients (client(t)) each run `ops` operations: a quarter cancel one of their own created
// bookings, the rest create `booking(rng)`. A refusal (409, 422) is expected; anything else fails.
inline StormCounts RunBookingStorm(int threads, int ops, unsigned seed,
                                   const std::function<std::unique_ptr<httplib::Client>(int)>& client,
                                   const std::function<Json(std::mt19937&)>& booking) {
  std::atomic<int> created{0}, refused{0}, cancelled{0}, failed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(seed + static_cast<unsigned>(t));
      auto c = client(t);
      std::vector<std::string> mine;
      for (int i = 0; i < ops; ++i) {
        if (!mine.empty() && rng() % 4 == 0) {
          std::string id = mine[rng() % mine.size()];
          Answer a = Post(*c, "/v1/bookings/" + id + "/cancel", Json{{"reason", "storm"}});
          a.status == 200 ? ++cancelled : ++failed;
          continue;
        }
        Json b = booking(rng);
        Answer a = Post(*c, "/v1/bookings", b);
        if (a.status == 201) {
          ++created;
          mine.push_back(b["id"]);
        } else if (a.status == 409 || a.status == 422) {
          ++refused;
        } else {
          ++failed;
          ADD_FAILURE() << a.status << " " << a.text;
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  return {created.load(), refused.load(), cancelled.load(), failed.load()};
}

}  // namespace schoolshare::testing
