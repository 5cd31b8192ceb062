// Unit-test main: sckl's log lines are swallowed unless SCKL_TEST_LOG=1, so
// that test output shows failures, not the messages the code under test
// prints on purpose. Tests that check messages use LogCapture.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

#include "base/log.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* show = std::getenv("SCKL_TEST_LOG");
  if (!show || std::string_view(show) != "1") sckl::set_log_sink([](sckl::LogLevel, const std::string&) {});
  return RUN_ALL_TESTS();
}
