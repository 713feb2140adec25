#include "atomic_file.hpp"

#include <filesystem>
#include <system_error>

#include "sim/core/input_error.hpp"

namespace sofiatwin {

void write_file_atomically(const std::string& path, const std::string& text) {
  AtomicFileWriter out(path);
  out.append(text);
  out.commit();
}

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)), temporary_(path_ + ".partial") {
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) throw InputError(path_ + ": cannot be written");
}

AtomicFileWriter::~AtomicFileWriter() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(temporary_, ignored);
}

void AtomicFileWriter::append(std::string_view text) {
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out_) throw InputError(path_ + ": cannot be written");
}

void AtomicFileWriter::commit() {
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail()) throw InputError(path_ + ": cannot be written");
  std::error_code error;
  std::filesystem::rename(temporary_, path_, error);
  if (error) throw InputError(path_ + ": cannot be written (rename of the temporary file failed)");
  committed_ = true;
}

}  // namespace sofiatwin
