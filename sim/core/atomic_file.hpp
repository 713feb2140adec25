// Writing a text output so that a failure never leaves a half-written file: the text goes to a
// temporary file beside the target, which is renamed over it at the end.
#pragma once
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

namespace sofiatwin {

/// Throws InputError naming `path` when it cannot be written; the temporary file is removed.
void write_file_atomically(const std::string& path, const std::string& text);

/// The same for a long output written piece by piece (a report of many reporting times): the
/// pieces go to `path`.partial as they come, commit() renames it over `path`. Without commit()
/// (an error or exception on the way) the temporary file is removed and `path` is untouched.
class AtomicFileWriter {
 public:
  /// Throws InputError naming `path` when the temporary file cannot be created.
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  /// Throws InputError naming `path` when the text cannot be written (e.g. the disk is full).
  void append(std::string_view text);
  /// Flushes, closes and renames; throws InputError naming `path` on failure.
  void commit();

 private:
  std::string path_, temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace sofiatwin
