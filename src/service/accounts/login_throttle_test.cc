#include "service/accounts/login_throttle.h"

#include <gtest/gtest.h>

namespace fupin {
namespace {

using std::chrono::seconds;

class LoginThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle::Clock::time_point now = LoginThrottle::Clock::time_point{} + std::chrono::hours(1);
};

TEST_F(LoginThrottleTest, LetsTheFirstFailuresThroughWithoutWaiting) {
  LoginThrottle throttle;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now), seconds(0));
    throttle.Failed("10.0.0.1", "county", now);
  }
  EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now), seconds(0));
}

TEST_F(LoginThrottleTest, DoublesTheWaitAfterTheFreeFailuresUpToTheCap) {
  LoginThrottle::Settings s;
  s.max_delay = seconds(8);
  LoginThrottle throttle(s);
  for (int i = 0; i < 3; ++i) throttle.Failed("10.0.0.1", "county", now);
  throttle.Failed("10.0.0.1", "county", now);
  EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now), seconds(1));
  throttle.Failed("10.0.0.1", "county", now);
  EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now), seconds(2));
  throttle.Failed("10.0.0.1", "county", now);
  EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now), seconds(4));
  for (int i = 0; i < 5; ++i) throttle.Failed("10.0.0.1", "county", now);
  EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now), seconds(8));
  EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now + seconds(8)), seconds(0));
}

TEST_F(LoginThrottleTest, AStrangerElsewhereNeverDelaysTheOwner) {
  LoginThrottle throttle;
  for (int i = 0; i < 50; ++i) throttle.Failed("203.0.113.9", "county", now);
  EXPECT_GT(throttle.Wait("203.0.113.9", "county", now), seconds(0));
  EXPECT_EQ(throttle.Wait("10.0.0.1", "county", now), seconds(0));
}

TEST_F(LoginThrottleTest, KnownAndUnknownNamesAreCountedAlike) {
  LoginThrottle throttle;
  for (int i = 0; i < 4; ++i) {
    throttle.Failed("10.0.0.2", "county", now);
    throttle.Failed("10.0.0.3", "no-such-user", now);
  }
  EXPECT_EQ(throttle.Wait("10.0.0.2", "county", now),
            throttle.Wait("10.0.0.3", "no-such-user", now));
}

TEST_F(LoginThrottleTest, OneAddressTryingManyNamesIsSlowedDown) {
  LoginThrottle throttle;
  for (int i = 0; i < 11; ++i) throttle.Failed("10.0.0.4", "user" + std::to_string(i), now);
  EXPECT_GT(throttle.Wait("10.0.0.4", "someone-new", now), seconds(0));
}

TEST_F(LoginThrottleTest, ASuccessClearsTheNamesCount) {
  LoginThrottle throttle;
  for (int i = 0; i < 4; ++i) throttle.Failed("10.0.0.5", "county", now);
  throttle.Succeeded("10.0.0.5", "county", now + seconds(2));
  EXPECT_EQ(throttle.Wait("10.0.0.5", "county", now + seconds(2)), seconds(0));
}

TEST_F(LoginThrottleTest, AQuietHourForgetsTheFailures) {
  LoginThrottle throttle;
  for (int i = 0; i < 12; ++i) throttle.Failed("10.0.0.6", "county", now);
  EXPECT_GT(throttle.Wait("10.0.0.6", "county", now), seconds(0));
  EXPECT_EQ(throttle.Wait("10.0.0.6", "county", now + std::chrono::minutes(61)), seconds(0));
}

TEST_F(LoginThrottleTest, KeepsItsMemoryBounded) {
  LoginThrottle::Settings s;
  s.max_entries = 1000;
  LoginThrottle throttle(s);
  for (int i = 0; i < 5000; ++i) {
    throttle.Failed("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), "x",
                    now + seconds(i));
  }
  EXPECT_LE(throttle.entries(), 1000u);
}

}  // namespace
}  // namespace fupin
