#include "atomic_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "sim/core/input_error.hpp"

namespace sofiatwin {

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw InputError(path + ": cannot be written");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw InputError(path + ": cannot be written (rename of the temporary file failed)");
  }
}

}  // namespace sofiatwin
