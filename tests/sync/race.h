// A race for one slot through real HTTP, on any backend and any number of instances.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
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

}  // namespace schoolshare::testing
