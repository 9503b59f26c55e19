// The shared batch poster (scan, watch and tail send through it): batches, the bound on its queue, and a server's
// Retry-After, which sets the earliest next attempt.
#include "core/batch_poster.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::http {
namespace {

TEST(BatchPoster, PostsJsonArraysOfAtMostBatchObjects) {
  std::vector<std::string> bodies;
  BatchPosterOptions options;
  options.batch = 2;
  options.post = [&](const std::string&, const std::string&, const std::string& body) -> Result<PostResult> {
    bodies.push_back(body);
    return PostResult{202, ""};
  };
  BatchPoster poster(options);
  for (const char* o : {R"({"a":1})", R"({"b":2})", R"({"c":3})"}) poster.add(o);
  poster.pump(/*final=*/true);
  ASSERT_EQ(bodies.size(), 2U);
  EXPECT_EQ(bodies[0], R"([{"a":1},{"b":2}])");
  EXPECT_EQ(bodies[1], R"([{"c":3}])");
  EXPECT_EQ(poster.delivered(), 3U);
}

TEST(BatchPoster, RetryAfterHoldsTheNextAttempt) {
  int calls = 0;
  BatchPosterOptions options;
  options.interval = std::chrono::milliseconds(0);
  options.post = [&](const std::string&, const std::string&, const std::string&) -> Result<PostResult> {
    ++calls;
    return PostResult{429, "120"};  // two minutes: far beyond this test's run time
  };
  BatchPoster poster(options);
  poster.add("{}");
  poster.pump();
  EXPECT_EQ(calls, 1);
  poster.pump();
  poster.pump();
  EXPECT_EQ(calls, 1) << "no new attempt before Retry-After has passed";
  EXPECT_EQ(poster.queued(), 1U);
}

}  // namespace
}  // namespace vigil::http
