#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/core/atomic_file.hpp"
#include "sim/core/input_error.hpp"
#include "test_util.hpp"

using namespace sofiatwin;

TEST(AtomicFile, WritesAndReplaces) {
  const auto dir = test::temp_dir("atomic-file");
  const auto path = (dir / "out.csv").string();
  write_file_atomically(path, "first\n");
  write_file_atomically(path, "second\n");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "second\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST(AtomicFile, UnwritablePlaceIsANamedError) {
  try {
    write_file_atomically("/nonexistent-dir/out.csv", "x");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/out.csv: cannot be written"), std::string::npos);
  }
}
