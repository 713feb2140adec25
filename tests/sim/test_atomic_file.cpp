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

TEST(AtomicFile, PiecesAppearOnlyAtCommit) {
  const auto dir = test::temp_dir("atomic-file-pieces");
  const auto path = (dir / "report.csv").string();
  write_file_atomically(path, "old\n");
  {
    AtomicFileWriter out(path);
    out.append("a,b\n");
    out.append("1,2\n");
    std::ifstream before(path);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(before)), {}), "old\n");  // untouched until commit
    out.commit();
  }
  std::ifstream in(path);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "a,b\n1,2\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST(AtomicFile, AbandonedWriterLeavesNothingBehind) {
  const auto dir = test::temp_dir("atomic-file-abandoned");
  const auto path = (dir / "report.csv").string();
  try {
    AtomicFileWriter out(path);
    out.append("half a report\n");
    throw InputError("the run failed");
  } catch (const InputError&) {
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  EXPECT_THROW(AtomicFileWriter("/nonexistent-dir/report.csv"), InputError);
}
