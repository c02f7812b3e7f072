#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "core/sha256.h"
#include "tests/test_util.h"

using namespace atelier;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesMatchOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 + 3);
  Sha256 s;
  for (size_t pos = 0, step = 1; pos < data.size(); pos += step, step = step % 97 + 13)
    s.update(data.data() + pos, std::min(step, data.size() - pos));
  EXPECT_EQ(s.hex_digest(), sha256_hex(data));
}

TEST(Sha256, FilesAndMissingFiles) {
  const std::string p = test::temp_path("sha.bin");
  std::ofstream(p, std::ios::binary) << "abc";
  EXPECT_EQ(sha256_file(p), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_THROW(sha256_file(test::temp_path("missing.bin")), Error);
}
