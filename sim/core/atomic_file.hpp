// Writing a text output so that a failure never leaves a half-written file: the text goes to a
// temporary file beside the target, which is renamed over it at the end.
#pragma once
#include <string>

namespace sofiatwin {

/// Throws InputError naming `path` when it cannot be written; the temporary file is removed.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace sofiatwin
