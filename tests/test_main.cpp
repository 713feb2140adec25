#include <gdal_priv.h>
#include <gtest/gtest.h>

int main(int argc, char** argv) {
  GDALAllRegister();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
