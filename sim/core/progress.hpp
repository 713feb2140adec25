#pragma once
#include <string_view>

namespace sofiatwin {

/// Receives one line per finished stage of a long job. The application decides how to show it
/// (a TTY line, a CI log line); library code never prints.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void stage_done(std::string_view stage, std::string_view detail, double seconds) = 0;
};

}  // namespace sofiatwin
